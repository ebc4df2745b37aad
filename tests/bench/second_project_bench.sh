#!/usr/bin/env bash
# Benchmark of the output store (daemon/outstore): a second project's `get` with every archive
# already in CACHEDIR, against the first project's cold get, on
#   - a loop-mounted xfs image made with reflink=1 (placement by reflink; store mode "auto"),
#   - a loop-mounted ext4 image (no reflinks: placement by copy; store mode "on"),
# and, as the baseline on each, the second project's get with the store off (unpacking every
# archive again, as before). Disk growth of the second project is measured with df on the
# image. Targets (issue 16): second get <= 0.1x the first on reflink; disk growth <= 5 % of the
# outputs. Skips a file system cleanly when loop mounts (or mkfs.xfs) are unavailable.
# Usage: tests/bench/second_project_bench.sh [BUILD_DIR] [ARTIFACT_SCALE=0.05] [LIMIT=0 (all)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-0.05}"
limit="${3:-0}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
lc_setup
mounts=()
trap 'st=$?; for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null; done; (exit $st); lc_cleanup' EXIT
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.3f", b-a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
lc_start_daemon --idle-timeout 0
source "$root/tests/bench/lib/fixture.sh"
bench_packed_fixture "$scale" "$limit" "$LC_TMP/mirror"
nginx_start "$LC_TMP/mirror" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_GET_URL="$NGINX_URL"
new_project() { mkdir -p "$1"; (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1"); }
log="$XDG_STATE_HOME/leancache/leancached.log"
used() { sync; df --output=used -B1 "$1" | tail -1 | tr -d ' '; }
outputs_bytes() { find "$1" -path '*/.lake/build/*' -type f -printf '%s\n' | awk '{s+=$1} END{print s}'; }
timed_get() {  # timed_get PROJECT: seconds of one get (fails the bench when the get fails)
  local t=$EPOCHREALTIME
  "$LEANCACHE" -C "$1" get >"$LC_TMP/get.out" 2>&1 || { cat "$LC_TMP/get.out" >&2; fail "get in $1 failed"; }
  secs "$t"
}
archive_bytes=$(du -sb "$LC_TMP/mirror/f" | cut -f1)
# Room for the archives twice and five copies of the outputs, counting a 4 KiB block per file.
files=$(find "$src" -path '*/.lake/build/*' -type f | wc -l)
image_mb=$(( (archive_bytes * 2 + n * 8192 + $(outputs_bytes "$src") * 5 + files * 4096 * 5) / 1000000 + 320 ))  # xfs needs >= 300 MB

rows=()
run_fs() {  # run_fs NAME MKFS... : one file system image
  local name=$1; shift
  local img="$LC_TMP/$name.img" dir="$LC_TMP/$name"
  truncate -s "${image_mb}M" "$img"
  if ! "$@" "$img" >/dev/null 2>"$LC_TMP/mkfs.err"; then echo "SKIP $name: $* failed: $(cat "$LC_TMP/mkfs.err")"; return 0; fi
  mkdir -p "$dir"
  if ! mount -o loop "$img" "$dir" 2>"$LC_TMP/mount.err"; then
    echo "SKIP $name: loop mounts unavailable ($(cat "$LC_TMP/mount.err"))"; return 0
  fi
  mounts+=("$dir")
  export MATHLIB_CACHE_DIR="$dir/cache" LEANCACHE_OUTPUT_STORE_DIR="$dir/store"
  new_project "$dir/first"; new_project "$dir/second"; new_project "$dir/nostore"
  local first second nostore u0 u1 u2 u3 outs line
  first=$(timed_get "$dir/first")
  outs=$(outputs_bytes "$dir/first")
  u0=$(used "$dir")
  second=$(timed_get "$dir/second")
  u1=$(used "$dir")
  line=$(grep 'output store .*placed' "$log" | tail -1 | sed 's/.*placed/placed/')
  u2=$(used "$dir")
  nostore=$(LEANCACHE_OUTPUT_STORE=off timed_get "$dir/nostore")
  u3=$(used "$dir")
  rows+=("| $name | $first s | $second s | $(ratio "$second" "$first") | $nostore s | $(awk -v a=$((u1 - u0)) -v o="$outs" 'BEGIN{printf "%.1f %%", 100*a/o}') | $(awk -v a=$((u3 - u2)) -v o="$outs" 'BEGIN{printf "%.1f %%", 100*a/o}') | $(awk -v o="$outs" 'BEGIN{printf "%.1f", o/1e6}') MB |")
  echo "$name: second project: $line" >&2
  unset LEANCACHE_OUTPUT_STORE
}
if command -v mkfs.xfs >/dev/null; then
  run_fs xfs-reflink mkfs.xfs -q -m reflink=1
else
  echo "SKIP xfs-reflink: mkfs.xfs missing (apt-get install xfsprogs)"
fi
export LEANCACHE_OUTPUT_STORE=on  # ext4 has no reflinks: "auto" would not use the store
run_fs ext4-copy mkfs.ext4 -q -F

printf '\nSecond project: %d modules, %d archives (%s MB, artifact scale %s), loopback nginx, loop-mounted images of %s MB\n\n' \
  "$(wc -l <"$LC_TMP/keys")" "$n" "$(awk -v b="$archive_bytes" 'BEGIN{printf "%.1f", b/1e6}')" "$scale" "$image_mb"
printf '| file system | first get (cold) | second get (store) | second / first | second get, store off | disk growth, 2nd project (store) | disk growth, store off | outputs |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
printf '%s\n' "${rows[@]}"
printf '\nTargets: second / first <= 0.1 on reflink; disk growth <= 5 %% of the outputs on reflink.\n'
