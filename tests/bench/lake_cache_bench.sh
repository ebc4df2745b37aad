#!/usr/bin/env bash
# Benchmark of `leancache lake get` (Lake's native cache, issue 15) from a loopback nginx:
#   (a) TauCeti's reported shape: 1 224 artifacts, mean 14 KiB;  (b) a Mathlib-sized set (one
#   .ltar per module, ~7 700 modules as in Lake >= 4.33).
# Cold: empty Lake cache, `leancache lake get --scope` (revision walk + mapping + all artifacts,
# each verified by Lake's hash and SHA-256 recorded). Baseline: what Lake runs for the artifacts,
# `curl -Z --retry 3 --config <url/-o per artifact>`; Lake then hashes every file — this script
# times curl ALONE, so the baseline figure is a lower bound of Lake's time. No-op: a second get
# with everything present, p50 of 10 runs (target <= 50 ms). Floor: `cp -r` of the same files
# (what creating and writing them costs this file system). Medians of TRIALS (default 3)
# interleaved trials.
# Usage: [TRIALS=N] tests/bench/lake_cache_bench.sh [BUILD_DIR] [COUNT=1224] [MEAN_KIB=14]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
count="${2:-1224}"
mean_kib="${3:-14}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
source "$root/tests/bench/lib/fresh_fs.sh"
bench_setup_fresh_fs 8000
unset LAKE_CACHE_DIR LAKE_CONFIG LAKE_CACHE_ARTIFACT_ENDPOINT LAKE_CACHE_REVISION_ENDPOINT ELAN_TOOLCHAIN || true
export HOME="$LC_TMP/home"; mkdir -p "$HOME"
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.3f", b-a}'; }

# Project with one commit; the mirror holds its mapping and COUNT random artifacts.
P="$LC_TMP/proj"; mkdir -p "$P"
printf 'name = "bench"\n' >"$P/lakefile.toml"
git -C "$P" init -q && git -C "$P" add -A && git -C "$P" -c user.email=b@b -c user.name=b commit -qm bench
REV=$(git -C "$P" rev-parse HEAD)
M="$LC_TMP/mirror"; mkdir -p "$M/artifacts/bench" "$M/revisions/bench"
/usr/bin/python3 - "$M" "$REV" "$count" "$mean_kib" "$root/tests/integration/lib" <<'PY'
import os, random, sys
sys.path.insert(0, sys.argv[5])
from lakehash import lake_hash
m, rev, n, mean = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) * 1024
rnd = random.Random(15)
lines = ['"2026-03-17"']
for i in range(n):
    data = rnd.randbytes(max(64, int(rnd.uniform(0.3, 1.7) * mean)))
    h = lake_hash(data)
    with open(os.path.join(m, "artifacts/bench/%016x.art" % h), "wb") as f:
        f.write(data)
    lines.append('["%016x","%016x.ltar"]' % (i + 1, h))
with open(os.path.join(m, "revisions/bench/%s.jsonl" % rev), "w") as f:
    f.write("\n".join(lines) + "\n")
PY
bytes=$(du -sb "$M/artifacts" | cut -f1)
nginx_start "$M" "$LC_TMP/nginx" >/dev/null
lc_start_daemon --idle-timeout 0
export LAKE_CACHE_ARTIFACT_ENDPOINT="$NGINX_URL/artifacts" LAKE_CACHE_REVISION_ENDPOINT="$NGINX_URL/revisions"

# Each trial, in fresh directories (nothing is deleted until the end: ext4 scans recently freed
# inodes when it allocates new ones, which makes file creation after a large delete several times
# slower for whichever side allocates first; the three take turns going first):
#  * floor: `cp -r` of the mirror's artifacts (creating and writing the same files, no network);
#  * baseline: Lake's artifact transfer command, curl alone (Lake's per-file hash check not timed);
#  * leancache lake get, cold, into an empty Lake cache.
for f in "$M"/artifacts/bench/*.art; do
  h=$(basename "$f" .art)
  printf 'url = "%s/artifacts/bench/%s.art"\n-o "@DIR@/%s.ltar.tmp"\n' "$NGINX_URL" "$h" "$h"
done >"$LC_TMP/curl.cfg.in"
trials="${TRIALS:-3}"
floor=(); base=(); cold=()
run_floor() {
  local t0=$EPOCHREALTIME
  cp -r "$M/artifacts/bench" "$LC_TMP/floor$1"
  floor+=("$(secs "$t0")")
}
run_base() {
  local t0
  mkdir -p "$LC_TMP/base$1"
  sed "s|@DIR@|$LC_TMP/base$1|" "$LC_TMP/curl.cfg.in" >"$LC_TMP/curl.cfg"
  t0=$EPOCHREALTIME
  curl -Z -X GET -L --retry 3 -s --config "$LC_TMP/curl.cfg"
  base+=("$(secs "$t0")")
  [ "$(ls "$LC_TMP/base$1" | wc -l)" = "$count" ] || fail "baseline fetched $(ls "$LC_TMP/base$1" | wc -l) of $count"
}
run_cold() {
  local t0
  export LAKE_CACHE_DIR="$LC_TMP/lakecache$1"
  t0=$EPOCHREALTIME
  "$LEANCACHE" -C "$P" lake get --scope bench >"$LC_TMP/cold.out" 2>&1 || fail "cold get: $(cat "$LC_TMP/cold.out")"
  cold+=("$(secs "$t0")")
  [ "$(ls "$LAKE_CACHE_DIR/artifacts" | wc -l)" = "$count" ] || fail "cold get stored $(ls "$LAKE_CACHE_DIR/artifacts" | wc -l) of $count"
}
# The three take turns going first (see above).
sides=(floor base cold)
for t in $(seq "$trials"); do
  for k in 0 1 2; do "run_${sides[$(((k + t) % 3))]}" "$t"; done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
floor_s=$(median "${floor[@]}"); base_s=$(median "${base[@]}"); cold_s=$(median "${cold[@]}")

# No-op: p50 of 10 (the last trial's cache).
times=()
for _ in $(seq 10); do
  t0=$EPOCHREALTIME
  "$LEANCACHE" -C "$P" lake get --scope bench >/dev/null 2>&1 || fail "no-op get"
  times+=("$(secs "$t0")")
done
noop_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]*1000}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
printf 'lake_cache_bench: %d artifacts, %d bytes (mean %d B); %s CPUs, load %s; median of %s trials\n' \
  "$count" "$bytes" "$((bytes / count))" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$trials"
printf '  files on %s\n' "$BENCH_FS"
printf '  floor: cp -r of the artifacts (create + write, no network, no fsync): %s s (%sx of the baseline)\n' \
  "$floor_s" "$(ratio "$floor_s" "$base_s")"
printf '  baseline curl -Z --retry 3 --config (no hash check): %s s\n' "$base_s"
printf '  leancache lake get cold (walk + mapping + verify + fsync + index): %s s  (%sx of the baseline; target <= 0.50)\n' \
  "$cold_s" "$(ratio "$cold_s" "$base_s")"
printf '  leancache lake get no-op p50: %s ms (target <= 50)\n' "$noop_ms"
