#!/usr/bin/env bash
# Benchmark of the negative cache (daemon/index/negative_cache.h): warm no-op `get` p50 with 0 %
# and 10 % of the modules missing upstream, with and without 100 ms added per request (the fault
# proxy's --latency-ms in front of a loopback nginx), with the negative cache on (default TTL)
# and off (LEANCACHE_NEGATIVE_CACHE_TTL=0), next to `/bin/true`; and the HTTP requests each
# warm get sent (the proxy's count). Target (issue 16): with the cache on, a no-op get with
# 10 % missing sends no request at all.
# Usage: tests/bench/misses_bench.sh [BUILD_DIR] [ARTIFACT_SCALE=0.05] [LIMIT=0 (all)] [RUNS=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-0.05}"
limit="${3:-0}"
runs="${4:-20}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/reliability/lib.sh"
lc_setup
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.4f", b-a}'; }
p50() { sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]*1000}'; }
lc_start_daemon --idle-timeout 0
source "$root/tests/bench/lib/fixture.sh"
bench_packed_fixture "$scale" "$limit" "$LC_TMP/www/full"
mkdir -p "$LC_TMP/www/miss"
# The second server lacks every tenth archive (a fixed choice: sorted names, every 10th).
cp -r "$LC_TMP/www/full/f" "$LC_TMP/www/miss/f"
ls "$LC_TMP/www/miss/f" | sort | awk 'NR % 10 == 0' | while read -r f; do rm "$LC_TMP/www/miss/f/$f"; done
missing=$(( n - $(ls "$LC_TMP/www/miss/f" | grep -c '\.ltar$') ))
nginx_start "$LC_TMP/www" "$LC_TMP/nginx" >/dev/null
faultproxy_start "127.0.0.1:$NGINX_PORT" "$LC_TMP/proxy" >/dev/null
new_project() { mkdir -p "$1"; (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1"); }
requests() { rel_json_field "$(faultproxy_stats)" 'd["requests"]'; }

true_runs=()
for i in $(seq 1 "$runs"); do t=$EPOCHREALTIME; /bin/true; true_runs+=("$(secs "$t")"); done
true_p50=$(printf '%s\n' "${true_runs[@]}" | p50)

rows=()
measure() {  # measure LABEL SERVER LATENCY_MS TTL
  local label=$1 server=$2 latency=$3 ttl=$4 proj="$LC_TMP/p-$2" times=() before after
  faultproxy_set "{\"latency_ms\": $latency}"
  export MATHLIB_CACHE_GET_URL="$PROXY_URL/$server" MATHLIB_CACHE_DIR="$LC_TMP/cache-$server" LEANCACHE_NEGATIVE_CACHE_TTL=$ttl
  if [ ! -d "$proj" ]; then
    new_project "$proj"
    "$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || true  # exit 1 when archives are missing upstream
  fi
  "$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || true   # warm-up with this TTL
  before=$(requests)
  for i in $(seq 1 "$runs"); do
    t=$EPOCHREALTIME; "$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || true; times+=("$(secs "$t")")
  done
  after=$(requests)
  rows+=("| $label | ${latency} ms | $( [ "$ttl" = 0 ] && echo off || echo "on ($ttl)") | $(printf '%s\n' "${times[@]}" | p50) ms | $(awk -v a="$before" -v b="$after" -v r="$runs" 'BEGIN{printf "%.1f", (b-a)/r}') |")
}
for latency in 0 100; do
  measure "0 %" full "$latency" 10m
  measure "10 % ($missing)" miss "$latency" 10m
  measure "10 % ($missing)" miss "$latency" 0
done
out=$(MATHLIB_CACHE_GET_URL="$PROXY_URL/miss" MATHLIB_CACHE_DIR="$LC_TMP/cache-miss" LEANCACHE_NEGATIVE_CACHE_TTL=10m "$LEANCACHE" -C "$LC_TMP/p-miss" get 2>&1 || true)

printf '\nWarm no-op get: %d modules, %d archives (artifact scale %s), loopback nginx behind the fault proxy; p50 of %d runs\n\n' \
  "$(wc -l <"$LC_TMP/keys")" "$n" "$scale" "$runs"
printf '| missing upstream | added latency per request | negative cache | warm get p50 | HTTP requests per get |\n|---|---:|---|---:|---:|\n'
printf '%s\n' "${rows[@]}"
printf '| `/bin/true` | | | %s ms | |\n' "$true_p50"
printf '\nWhat the user sees with 10 %% missing:\n%s\n' "$(grep -F 'not on the server' <<<"$out" || echo '(no message!)')"
