#!/usr/bin/env bash
# Benchmark of `leancache get` on the full generated workspace (every module reachable from Mathlib in
# shared/data/mathlib-import-graph.tsv) with synthetic build artifacts, served by a loopback
# nginx. Baseline measured in the same run: `curl --parallel --parallel-max 64` of the same
# archives, then unpacking them one by one with `ltar -x` (what `lake exe cache get` does).
# Also: warm no-op get p50 over 20 runs (target <= 50 ms) and the daemon's peak RSS.
# Usage: tests/bench/get_bench.sh [BUILD_DIR] [ARTIFACT_SCALE=0.05] [LIMIT=0 (all)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-0.05}"
limit="${3:-0}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
lc_setup
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.3f", b-a}'; }
src="$LC_TMP/src"
gen_args=(--graph "$GRAPH" --out "$src" --artifacts --artifact-scale "$scale")
[ "$limit" != 0 ] && gen_args+=(--limit "$limit")
"$FIXTUREGEN" "${gen_args[@]}" >/dev/null
lc_start_daemon --idle-timeout 0
# The mirror: every module reachable from Mathlib packed by `leancache pack` (byte-identical to
# ltar's archives) into a cache directory served as <mirror>/f/.
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
(cd "$src" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m bench)
t=$EPOCHREALTIME
mkdir -p "$LC_TMP/mirror"
MATHLIB_CACHE_DIR="$LC_TMP/mirror/f" "$LEANCACHE" -C "$src" pack >/dev/null 2>&1
n=$(ls "$LC_TMP/mirror/f" | grep -c '\.ltar$')
pack_s=$(secs "$t")
bytes=$(du -sb "$LC_TMP/mirror" | cut -f1)
nginx_start "$LC_TMP/mirror" "$LC_TMP/nginx" >/dev/null
new_project() { mkdir -p "$1"; (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1"); }

# Baseline: curl --parallel into a cache dir, then ltar -x one archive at a time.
base="$LC_TMP/base"; new_project "$base"; mkdir -p "$LC_TMP/basecache"
cut -f2 "$LC_TMP/keys" | while read -r h; do
  [ -e "$LC_TMP/mirror/f/$h.ltar" ] && printf 'url = "%s/f/%s.ltar"\noutput = "%s/basecache/%s.ltar"\n' "$NGINX_URL" "$h" "$LC_TMP" "$h"
done >"$LC_TMP/curl.cfg"
t=$EPOCHREALTIME
curl --parallel --parallel-max 64 --silent --fail --config "$LC_TMP/curl.cfg"
curl_s=$(secs "$t")
t=$EPOCHREALTIME
for f in "$LC_TMP"/basecache/*.ltar; do "$LTAR" -C "$base" -x "$f" >/dev/null; done
ltar_s=$(secs "$t")
baseline_s=$(awk -v a="$curl_s" -v b="$ltar_s" 'BEGIN{printf "%.2f", a+b}')

# leancache get, cold (fresh CACHEDIR, empty project).
export MATHLIB_CACHE_GET_URL="$NGINX_URL" MATHLIB_CACHE_DIR="$LC_TMP/cache"
proj="$LC_TMP/proj"; new_project "$proj"
t=$EPOCHREALTIME
"$LEANCACHE" -C "$proj" --json get >"$LC_TMP/cold.json" 2>/dev/null
cold_s=$(secs "$t")
downloaded=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["downloaded"])' "$LC_TMP/cold.json")

# Warm no-op get, 20 runs.
warm=()
for i in $(seq 1 20); do
  t=$EPOCHREALTIME; "$LEANCACHE" -C "$proj" get >/dev/null 2>&1; warm+=("$(secs "$t")")
done
p50=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.0f", a[int((NR+1)/2)]*1000}')
rss=$(awk '/VmHWM/{print $2}' "/proc/$(lc_daemon_pid)/status")

printf '\nleancache get: %d modules, %d archives (%s MB, artifact scale %s), loopback nginx; mirror packed in %s s\n\n' \
  "$(wc -l <"$LC_TMP/keys")" "$n" "$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}')" "$scale" "$pack_s"
printf '| measurement | value | ratio to baseline | target |\n|---|---:|---:|---|\n'
printf '| baseline: curl --parallel-max 64 (%s s) + ltar -x one by one (%s s) | %s s | 1.00 | |\n' "$curl_s" "$ltar_s" "$baseline_s"
printf '| cold leancache get (%s archives) | %s s | %s | <= 1.00 |\n' "$downloaded" "$cold_s" "$(awk -v a="$cold_s" -v b="$baseline_s" 'BEGIN{printf "%.2f", a/b}')"
printf '| warm no-op get, p50 of 20 | %s ms | | <= 50 ms |\n' "$p50"
printf '| daemon peak RSS | %s MB | | |\n' "$(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}')"
