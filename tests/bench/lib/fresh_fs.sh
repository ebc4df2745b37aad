# Benchmarks that create many files can run on a file system made for the run. On a file system that
# freed many inodes in the last minutes (an earlier run's cleanup), ext4 scans those inodes on
# every allocation ("recently_deleted"); the first side of a comparison to create files then pays
# up to 3x more CPU than the next one, and the ratios say nothing about the code.
# But a loop device turns every fsync into a flush of its whole backing file, one at a time: the
# side that syncs (the daemon) then pays far more than on a real disk. So it is opt-in:
# bench_setup_fresh_fs SIZE_MB: lc_setup (tests/integration/lib/daemon.sh); with BENCH_FRESH_FS=1,
#   LC_TMP is on a new loop-mounted ext4 image of SIZE_MB (inode tables written at mkfs time, so
#   no lazy-init thread writes during the run), else (or without loop mounts) in /tmp. Sets
#   BENCH_FS to a description for the report. Unmounts and removes the image at exit.
bench_setup_fresh_fs() {
  local size_mb=$1 base
  if [ "${BENCH_FRESH_FS:-0}" != 1 ]; then
    BENCH_FS="/tmp (BENCH_FRESH_FS=1 would use a fresh loop-mounted ext4 image)"
    lc_setup
    return 0
  fi
  base=$(mktemp -d /tmp/lc-fs.XXXXXX)
  truncate -s "${size_mb}M" "$base/img"
  mkdir -p "$base/mnt"
  if mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$base/img" >/dev/null 2>"$base/err" \
      && mount -o loop "$base/img" "$base/mnt" 2>>"$base/err"; then
    BENCH_FS="a fresh loop-mounted ext4 image (${size_mb} MB)"
    LC_TMP_PARENT="$base/mnt"
  else
    BENCH_FS="/tmp (no fresh file system: $(tr '\n' ' ' <"$base/err"))"
    rm -rf "$base"
    base=""
  fi
  lc_setup
  BENCH_FS_BASE=$base
  trap bench_fresh_fs_cleanup EXIT
}

bench_fresh_fs_cleanup() {
  local status=$?
  (exit "$status")
  (lc_cleanup)
  status=$?
  if [ -n "${BENCH_FS_BASE:-}" ]; then
    umount -l "$BENCH_FS_BASE/mnt" 2>/dev/null || true
    rm -rf "$BENCH_FS_BASE"
  fi
  exit "$status"
}
