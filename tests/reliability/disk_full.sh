#!/usr/bin/env bash
# disk_full.sh [TRIALS]: `leancache get` onto a full disk. A small tmpfs is mounted
#   (a) as CACHEDIR, and
#   (b) as the project's .lake (package sources copied in first, then room for only part of
#       the build outputs),
# with a size drawn at random between 10% and 90% of what the get needs. Each trial checks:
#   * exit 1 with a "No space left on device" message naming a path on the full filesystem;
#   * (b) every archive stays in CACHEDIR (they are sound; only the outputs did not fit);
#   * no temp file left ("*.part" in CACHEDIR, ".lctmp.*" in the project);
#   * `verify` finds nothing corrupt (index consistent with the blob directory, unpacked
#     modules intact) — it runs with the disk still full;
#   * after the filesystem is enlarged (space freed), get exits 0 and verify is clean with every
#     module unpacked.
# Needs root (mount); prints SKIP and exits 0 when mounting a tmpfs is not permitted.
# Default 10 trials per case (RELIABILITY_MODE=ci: 1).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${DISK_FULL_TRIALS:-}}" 10 1)
MODULES=${DISK_FULL_MODULES:-60}
lc_setup
mnt="$LC_TMP/mnt"
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2>"$LC_TMP/mount.err"; then
  echo "SKIP: cannot mount a tmpfs ($(cat "$LC_TMP/mount.err")); disk-full checks need root"
  rel_figures disk_full skipped=1
  exit 0
fi
umount "$mnt"
MOUNTS=()
cleanup_mounts() { local m; for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap 'rc=$?; cleanup_mounts; (exit $rc); lc_cleanup' EXIT

lc_mirrored_fixture "$MODULES"
# Space needed, in KiB of 4 KiB blocks as tmpfs counts them.
kib_of() { du -s --block-size=1024 "$1" | cut -f1; }
cache_need=$(kib_of "$mirror/f")
P0="$LC_TMP/reference"
rel_copy_sources "$src" "$P0"
MATHLIB_CACHE_DIR="$LC_TMP/cache-ref" "$LEANCACHE" -C "$P0" get >/dev/null 2>&1 || fail "reference get failed"
build_need=$(( $(kib_of "$P0/.lake") ))
pkg_need=$(kib_of "$src/.lake/packages")
echo "fixture: $MODULES modules, $n archives: CACHEDIR needs ${cache_need} KiB, the project's .lake ${build_need} KiB (${pkg_need} KiB package sources)"

P="$LC_TMP/proj"
archives_lost=0 trials=0 failed=0 enospc_ok=0 corrupt=0 recovered=0 temp_left=0
check_full_get() {  # check_full_get LABEL FS_PATH: the get on the full disk and what it leaves
  local label=$1 fs=$2 out rc bad=""
  set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
  if [ "$rc" = 0 ]; then
    bad="get succeeded on a full disk?"
  elif [ "$rc" != 1 ]; then
    bad="exit $rc (expected 1)"
  fi
  if ! grep -q "No space left on device" <<<"$out"; then
    bad="$bad; no ENOSPC message: $(tail -4 <<<"$out")"
  elif ! grep "No space left on device" <<<"$out" | grep -F "$fs" >/dev/null; then  # no -q: SIGPIPE + pipefail
    bad="$bad; the ENOSPC message does not name a path on $fs: $(grep -m1 'No space' <<<"$out")"
  else
    enospc_ok=$((enospc_ok + 1))
    [ "$trials" -le 2 ] && echo "  $label message: $(grep -m1 'No space left on device' <<<"$out" | cut -c1-200)"
  fi
  if [ "$label" = project ]; then  # the archives are sound: a full project disk must not cost them
    local kept
    kept=$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$' || true)
    [ "$kept" = "$n" ] || { archives_lost=$((archives_lost + n - kept)); bad="$bad; only $kept of $n archives left in CACHEDIR"; }
  fi
  local temps
  temps=$(( $(rel_temp_files "$MATHLIB_CACHE_DIR") + $(find "$P/.lake" -name '.lctmp.*' 2>/dev/null | wc -l) ))
  [ "$temps" = 0 ] || { temp_left=$((temp_left + temps)); bad="$bad; $temps temp file(s) left"; }
  rel_verify "$P"
  [ "$VERIFY_RC" = 0 ] || { corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify on the full disk: $(head -c 500 <<<"$VERIFY_JSON$VERIFY_OUT")"; }
  FULL_BAD=$bad
}
check_recovered() {  # after freeing space
  local out rc bad=""
  set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
  [ "$rc" = 0 ] && recovered=$((recovered + 1)) || bad="get after freeing space exit $rc: $(tail -3 <<<"$out")"
  rel_verify "$P"
  if [ "$VERIFY_RC" != 0 ]; then
    corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify after recovery: $(head -c 400 <<<"$VERIFY_JSON")"
  else
    u=$(rel_json_field "$VERIFY_JSON" 'd["project"]["modules"] - d["project"]["modules_checked"]')
    [ "$u" = 0 ] || bad="$bad; $u module(s) not unpacked after recovery"
  fi
  RECOVER_BAD=$bad
}

for t in $(seq 1 "$TRIALS"); do
  # (a) CACHEDIR on a small tmpfs.
  trials=$((trials + 1))
  pct=$(rel_random 10 90)
  size=$(( cache_need * pct / 100 ))
  m="$mnt/cache-$t"; mkdir -p "$m"
  mount -t tmpfs -o size=${size}k tmpfs "$m"; MOUNTS+=("$m")
  export MATHLIB_CACHE_DIR="$m"
  rel_copy_sources "$src" "$P"
  check_full_get cachedir "$m"
  mount -o remount,size=$(( cache_need * 3 + 1024 ))k "$m"
  check_recovered
  if [ -n "$FULL_BAD$RECOVER_BAD" ]; then failed=$((failed + 1)); echo "trial $t CACHEDIR at $pct%: FAIL $FULL_BAD $RECOVER_BAD" >&2
  else echo "trial $t CACHEDIR at $pct% of the need: ok"; fi
  umount "$m"

  # (b) the project's .lake on a small tmpfs (CACHEDIR roomy).
  trials=$((trials + 1))
  pct=$(rel_random 10 90)
  size=$(( pkg_need + 64 + (build_need - pkg_need) * pct / 100 ))
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-b-$t"
  rel_copy_sources "$src" "$P"
  mv "$P/.lake" "$LC_TMP/lake-src"
  mkdir -p "$P/.lake"
  mount -t tmpfs -o size=${size}k tmpfs "$P/.lake"; MOUNTS+=("$P/.lake")
  cp -a "$LC_TMP/lake-src/." "$P/.lake/"
  rm -rf "$LC_TMP/lake-src"
  check_full_get project "$P/.lake"
  mount -o remount,size=$(( build_need * 3 + 1024 ))k "$P/.lake"
  check_recovered
  if [ -n "$FULL_BAD$RECOVER_BAD" ]; then failed=$((failed + 1)); echo "trial $t project .lake at $pct%: FAIL $FULL_BAD $RECOVER_BAD" >&2
  else echo "trial $t project .lake at $pct% of the build outputs: ok"; fi
  umount "$P/.lake"
  rm -rf "$MATHLIB_CACHE_DIR"
done
nginx_stop
rel_figures disk_full trials="$trials" enospc_reported="$enospc_ok" failed_trials="$failed" \
  corrupt="$corrupt" temp_files_left="$temp_left" archives_dropped="$archives_lost" recovered_after_freeing="$recovered"
[ "$failed" = 0 ] || fail "disk_full: $failed of $trials trials failed"
echo "disk_full: all $trials trials passed"
