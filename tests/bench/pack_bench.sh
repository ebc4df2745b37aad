#!/usr/bin/env bash
# Benchmark of `leancache pack` and `leancache put` on the generated workspace (LIMIT modules of
# the import graph of shared/data with realistic build outputs, `leancache-fixturegen
# --real-oleans`: real-format olean triplets, .ilean, .c at Mathlib's sizes times ARTIFACT_SCALE),
# next to baselines
# measured in the same run:
#   pack: `tar + zstd -19 -T0` over the same build-output bytes (all cores), throughput (input
#         MB/s) and total compressed size;
#   put:  `curl --parallel --parallel-max 64 -T` of the same archives to the same loopback nginx
#         WebDAV server, throughput (MB/s).
# Usage: tests/bench/pack_bench.sh [BUILD_DIR] [ARTIFACT_SCALE=1.0] [LIMIT=300 (0: all)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-1.0}"
limit="${3:-300}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
lc_setup
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.3f", b-a}'; }
mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1e6}'; }
src="$LC_TMP/src"
gen_args=(--graph "$GRAPH" --out "$src" --real-oleans --artifact-scale "$scale")
[ "$limit" != 0 ] && gen_args+=(--limit "$limit")
"$FIXTUREGEN" "${gen_args[@]}" >/dev/null
(cd "$src" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m bench)
lc_start_daemon --idle-timeout 0
export MATHLIB_CACHE_DIR="$LC_TMP/cache"

# Input: every build output the archives hold (the §6.2 files of each module).
in_bytes=$(find "$src" -path '*/.lake/build/*' -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}')
modules=$(find "$src" -path '*/.lake/build/lib/lean/*' -name '*.trace' | wc -l)

# Baseline: zstd -19 on all cores over the same bytes as one tar stream (the compression floor:
# it also exploits redundancy across modules, which per-module archives cannot).
t=$EPOCHREALTIME
(cd "$src" && find . -path '*/.lake/build/*' -type f -print0 | tar --null -T - -cf - | zstd -19 -T0 -q -c >"$LC_TMP/all.tar.zst")
zstd_s=$(secs "$t")
zstd_bytes=$(stat -c %s "$LC_TMP/all.tar.zst")

t=$EPOCHREALTIME
"$LEANCACHE" -C "$src" pack >/dev/null 2>&1
pack_s=$(secs "$t")
archives=$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')
ltar_bytes=$(find "$MATHLIB_CACHE_DIR" -name '*.ltar' -printf '%s\n' | awk '{s+=$1} END{print s+0}')

# Upload: curl --parallel -T baseline, then leancache put, each into an empty WebDAV root.
mkdir -p "$LC_TMP/dav1" "$LC_TMP/dav2"
nginx_start "$LC_TMP/dav1" "$LC_TMP/nginx1" >/dev/null
for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
  printf 'upload-file = "%s"\nurl = "%s/f/%s"\n' "$f" "$NGINX_URL" "$(basename "$f")"
done >"$LC_TMP/curl.cfg"
t=$EPOCHREALTIME
curl --parallel --parallel-max 64 --silent --fail --config "$LC_TMP/curl.cfg" -o /dev/null
curl_s=$(secs "$t")
nginx_stop "$LC_TMP/nginx1"
nginx_start "$LC_TMP/dav2" "$LC_TMP/nginx2" >/dev/null
t=$EPOCHREALTIME
# (put packs first: every archive exists already, so that is the hashing pass and a skip)
MATHLIB_CACHE_PUT_URL="$NGINX_URL" "$LEANCACHE" -C "$src" --json put >"$LC_TMP/put.json" 2>/dev/null
put_s=$(secs "$t")
stored=$(find "$LC_TMP/dav2" -name '*.ltar' | wc -l)
[ "$stored" = "$archives" ] || { echo "put stored $stored of $archives archives" >&2; exit 1; }
nginx_stop "$LC_TMP/nginx2"

rate() { awk -v b="$1" -v s="$2" 'BEGIN{printf "%.1f", b/1e6/s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
printf '\npack/put: %d modules, %d archives, %s MB of build outputs (artifact scale %s), %d cores\n\n' \
  "$modules" "$archives" "$(mb "$in_bytes")" "$scale" "$(nproc)"
printf '| measurement | time | throughput | size | ratio to baseline |\n|---|---:|---:|---:|---:|\n'
printf '| baseline: tar + zstd -19 -T0 (one stream) | %s s | %s MB/s | %s MB | 1.00 |\n' \
  "$zstd_s" "$(rate "$in_bytes" "$zstd_s")" "$(mb "$zstd_bytes")"
printf '| leancache pack (LGZ + zstd -19 ltar) | %s s | %s MB/s | %s MB | time %s, size %s |\n' \
  "$pack_s" "$(rate "$in_bytes" "$pack_s")" "$(mb "$ltar_bytes")" "$(ratio "$pack_s" "$zstd_s")" "$(ratio "$ltar_bytes" "$zstd_bytes")"
printf '| baseline: curl --parallel-max 64 -T to loopback nginx | %s s | %s MB/s | %s MB | 1.00 |\n' \
  "$curl_s" "$(rate "$ltar_bytes" "$curl_s")" "$(mb "$ltar_bytes")"
printf '| leancache put (all archives, loopback nginx WebDAV) | %s s | %s MB/s | %s MB | time %s |\n' \
  "$put_s" "$(rate "$ltar_bytes" "$put_s")" "$(mb "$ltar_bytes")" "$(ratio "$put_s" "$curl_s")"
