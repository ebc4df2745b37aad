#!/usr/bin/env bash
# Benchmark of unpacking and `leancache get` on realistic content, every row measured in this run
# on the same archives:
#   * the workspace: `leancache-fixturegen --real-oleans` (real-format .olean/.olean.server/
#     .olean.private triplets packed as LGZ mode 5, .ilean, .c, at Mathlib's sizes times SCALE),
#     LIMIT modules of the real import graph closed under imports; dependency modules' outputs in
#     their package's build dir; archives packed by `leancache pack` (byte-identical to leantar's),
#     served by a loopback nginx;
#   * unpack: ONE `ltar -x --delete-corrupted -j -` reading the JSON list of all archives on stdin
#     (leantar's design: one process, parallel across archives) — this tree's ltar vs the stand-in
#     baseline (ltar built from BASELINE_REF, the code before the performance work; or
#     BASELINE_LTAR=path) vs the daemon's unpack (`get` with every archive already in CACHEDIR),
#     taking turns going first, and the `cat` floor (reading the archives);
#   * cold get (empty CACHEDIR, empty build dirs) vs the original's pipeline, timed as one and
#     taking turns with it: `curl --parallel --parallel-max 64` of the archives, then ONE
#     baseline `ltar -x -j -` (target <= 0.5x);
#   * warm no-op get, p50 of 20, next to `/bin/true` timed the same way (target <= 8 ms above).
# Times are medians of TRIALS runs (wall clock; CPU = user+sys of the process tree in brackets).
# Usage: tests/bench/get_bench.sh [BUILD_DIR] [SCALE=1.0] [LIMIT=300]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-1.0}"
limit="${3:-300}"
trials="${TRIALS:-3}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
source "$root/tests/bench/lib/fresh_fs.sh"
source "$root/tests/bench/lib/baseline_ltar.sh"
source "$root/tests/bench/lib/timing.sh"
BASE_LTAR="$(baseline_ltar "$root")"
bench_setup_fresh_fs 8000

src="$LC_TMP/src"
"$FIXTUREGEN" --graph "$GRAPH" --out "$src" --real-oleans --artifact-scale "$scale" --limit "$limit" >/dev/null
(cd "$src" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m bench)
out_bytes=$(find "$src" -path '*/.lake/build/*' -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}')
lc_start_daemon --idle-timeout 0
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
mkdir -p "$LC_TMP/mirror"
MATHLIB_CACHE_DIR="$LC_TMP/mirror/f" "$LEANCACHE" -C "$src" pack >/dev/null 2>&1
n=$(ls "$LC_TMP/mirror/f" | grep -c '\.ltar$')
ltar_bytes=$(cat "$LC_TMP"/mirror/f/*.ltar | wc -c)
nginx_start "$LC_TMP/mirror" "$LC_TMP/nginx" >/dev/null
# A project checkout without build outputs (the sources, manifest, toolchain). Every trial gets
# its own: nothing is deleted until the end, because ext4 skips inodes freed in the last minutes
# when it allocates new ones, which makes file creation after a large delete several times slower.
new_project() {
  mkdir -p "$1"
  (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1")
}

# --- the original's download: curl --parallel into a cache directory ---------------------------
cut -f2 "$LC_TMP/keys" | while read -r h; do
  [ -e "$LC_TMP/mirror/f/$h.ltar" ] && printf 'url = "%s/f/%s.ltar"\noutput = "%s/basecache/%s.ltar"\n' "$NGINX_URL" "$h" "$LC_TMP" "$h"
done >"$LC_TMP/curl.cfg"
curl_once() { rm -rf "$LC_TMP/basecache"; mkdir -p "$LC_TMP/basecache"; curl --parallel --parallel-max 64 --silent --fail --config "$LC_TMP/curl.cfg" 2>/dev/null; }
# The JSON list the original writes to leantar's stdin (plain paths: the project is the Mathlib
# checkout, so every archive unpacks relative to it).
python3 -c 'import json,sys; print(json.dumps([f"{sys.argv[1]}/{l.split()[1]}.ltar" for l in open(sys.argv[2]) if l.strip()]))' \
  "$LC_TMP/basecache" "$LC_TMP/keys" >"$LC_TMP/list.json"
unpack_with() { (cd "$2" && "$1" -x --delete-corrupted -j - <"$LC_TMP/list.json" >/dev/null); }

curl_once
# The sides take turns going first: after a large delete (an earlier run's cleanup) ext4 scans the
# recently freed inodes on every allocation for minutes, and whichever side allocates first in a
# trial pays most of that. Unpack trials rotate the baseline ltar, this tree's ltar and the
# daemon's unpack (`get` with every archive already in CACHEDIR).
unpack_get() { MATHLIB_CACHE_DIR="$LC_TMP/basecache" "$LEANCACHE" -C "$1" get; }
for t in $(seq 1 "$trials"); do
  new_project "$LC_TMP/p_base$t"; new_project "$LC_TMP/p_new$t"; new_project "$LC_TMP/p_get$t"
  "$LEANCACHE" -C "$LC_TMP/p_get$t" hash >/dev/null
  sides=(base new get)
  for k in 0 1 2; do
    case ${sides[$(((k + t) % 3))]} in
      base) bench_time ltar_base unpack_with "$BASE_LTAR" "$LC_TMP/p_base$t" ;;
      new) bench_time ltar_new unpack_with "$LTAR" "$LC_TMP/p_new$t" ;;
      get) bench_time get_cached unpack_get "$LC_TMP/p_get$t" ;;
    esac
  done
  bench_time cat_floor sh -c "cat '$LC_TMP'/basecache/*.ltar >/dev/null"
done
# The same two ltars unpacking into tmpfs (/dev/shm): the file system's cost per file (the same
# for both) left out, what remains is each ltar's own work.
shm=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/lc-bench.XXXXXX)
  for t in $(seq 1 "$trials"); do
    mkdir -p "$shm/base" "$shm/new"
    bench_time shm_base unpack_with "$BASE_LTAR" "$shm/base"
    bench_time shm_new unpack_with "$LTAR" "$shm/new"
    rm -rf "${shm:?}/base" "${shm:?}/new"
  done
  rm -rf "$shm"
fi
# Correctness: both ltars and the daemon wrote the same files, byte for byte.
diff -r "$LC_TMP/p_base1/.lake" "$LC_TMP/p_new1/.lake" >/dev/null || fail "ltar outputs differ from the baseline's"
diff -r "$LC_TMP/p_base1/.lake" "$LC_TMP/p_get1/.lake" -x '.mathlib-cache-roothash' >/dev/null \
  || fail "get's outputs differ from ltar's"

# --- cold: the original's pipeline (curl, then ONE baseline ltar) vs cold get, taking turns ------
export MATHLIB_CACHE_GET_URL="$NGINX_URL"
original() { curl_once && unpack_with "$BASE_LTAR" "$1"; }
for t in $(seq 1 "$trials"); do
  new_project "$LC_TMP/p_orig$t"; new_project "$LC_TMP/p_cold$t"
  "$LEANCACHE" -C "$LC_TMP/p_cold$t" hash >/dev/null   # keys are not part of either pipeline
  if [ $((t % 2)) = 1 ]; then
    bench_time pipeline original "$LC_TMP/p_orig$t"
    MATHLIB_CACHE_DIR="$LC_TMP/cache$t" bench_time get_cold "$LEANCACHE" -C "$LC_TMP/p_cold$t" get
  else
    MATHLIB_CACHE_DIR="$LC_TMP/cache$t" bench_time get_cold "$LEANCACHE" -C "$LC_TMP/p_cold$t" get
    bench_time pipeline original "$LC_TMP/p_orig$t"
  fi
  bench_time curl curl_once
done
diff -r "$LC_TMP/p_orig1/.lake" "$LC_TMP/p_cold1/.lake" -x '.mathlib-cache-roothash' >/dev/null \
  || fail "cold get's outputs differ from the original pipeline's"

# --- warm no-op get next to /bin/true ------------------------------------------------------------
export MATHLIB_CACHE_DIR="$LC_TMP/cache1"
"$LEANCACHE" -C "$LC_TMP/p_cold1" get >/dev/null 2>&1
for i in $(seq 1 20); do
  bench_time true /bin/true
  bench_time warm "$LEANCACHE" -C "$LC_TMP/p_cold1" get
done
rss=$(awk '/VmHWM/{print $2}' "/proc/$(lc_daemon_pid)/status")

printf '\nget/unpack benchmark: %d modules (--limit %s, scale %s), %d archives, %s MB of build outputs, %s MB of archives; %s CPUs, load %s; median of %s\n\n' \
  "$(wc -l <"$LC_TMP/keys")" "$limit" "$scale" "$n" "$(mb "$out_bytes")" "$(mb "$ltar_bytes")" "$(nproc)" \
  "$(cut -d' ' -f1 /proc/loadavg)" "$trials"
printf 'files on %s\n\n' "$BENCH_FS"
printf '| measurement | wall s [CPU s] | ratio | target |\n|---|---:|---:|---|\n'
row() { printf '| %s | %s [%s] | %s | %s |\n' "$1" "$(median "$2")" "$(median_cpu "$2")" "$3" "$4"; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN{printf "%.2f", a/b}'; }
row "floor: cat of all archives" cat_floor "$(ratio cat_floor ltar_base)" ""
row "baseline: ONE \`ltar -x -j -\` (stand-in, leantar's design)" ltar_base 1.00 ""
row "ONE \`ltar -x -j -\` (this tree)" ltar_new "$(ratio ltar_new ltar_base)" "<= 0.67 (1.5x faster)"
row "daemon unpack: \`get\`, archives in CACHEDIR" get_cached "$(ratio get_cached ltar_base)" "<= 0.67 (1.5x faster)"
if [ -n "$shm" ]; then
  row "tmpfs: ONE baseline \`ltar -x -j -\` into /dev/shm" shm_base 1.00 ""
  row "tmpfs: ONE \`ltar -x -j -\` (this tree) into /dev/shm" shm_new "$(ratio shm_new shm_base)" "(the code alone)"
fi
row "download: curl --parallel --parallel-max 64" curl "" ""
row "original pipeline: curl, then ONE baseline ltar" pipeline 1.00 ""
row "cold \`leancache get\`" get_cold "$(ratio get_cold pipeline)" "<= 0.50"
printf '| warm no-op get, p50 of 20 | %s ms | +%s ms over /bin/true | <= +8 ms |\n' "$(median_ms warm)" \
  "$(awk -v a="$(median_ms warm)" -v b="$(median_ms true)" 'BEGIN{printf "%.1f", a-b}')"
printf '| /bin/true, p50 of 20 | %s ms | | |\n' "$(median_ms true)"
printf '| daemon peak RSS | %s MB | | |\n' "$(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}')"
