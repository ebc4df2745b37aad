#!/usr/bin/env bash
# Benchmark of `leancache hash` on the full generated Mathlib workspace (8 338 modules from
# shared/data/mathlib-import-graph.tsv, real sizes). Baseline measured in the same run: `cat` of
# the same .lean files (the read floor). Prints a table; targets: cold <= 3x floor, warm p50 <= 50 ms.
# Usage: tests/bench/hash_bench.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
lc_setup
proj="$LC_TMP/mathlib"
"$FIXTUREGEN" --graph "$GRAPH" --out "$proj" >/dev/null
mapfile -t files < <(find "$proj" -name '*.lean' -not -path '*/.lake/build/*')
bytes=$(cat "${files[@]}" | wc -c)

# $EPOCHREALTIME: no subprocess, so the timer adds microseconds, not milliseconds.
now_ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}.${t: -3}"; }
ms_since() { local end; end=$(now_ms); awk -v a="$1" -v b="$end" 'BEGIN{printf "%.1f", b-a}'; }

# Read floor: cat every source once (warm page cache, like the hash runs below).
cat "${files[@]}" >/dev/null
t=$(now_ms); cat "${files[@]}" >/dev/null; floor=$(ms_since "$t")

# Cold: fresh daemon, empty index.
lc_start_daemon --idle-timeout 0
t=$(now_ms); "$LEANCACHE" -C "$proj" hash >"$LC_TMP/cold"; cold=$(ms_since "$t")
modules=$(wc -l <"$LC_TMP/cold")

# Warm: 20 runs, p50.
warm=()
for i in $(seq 1 20); do
  t=$(now_ms); "$LEANCACHE" -C "$proj" hash >/dev/null; warm+=("$(ms_since "$t")")
done
p50=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')

# After editing one low-level file (many dependents).
target="$proj/Mathlib/Order/Basic.lean"
[ -f "$target" ] || target="${files[0]}"
echo "-- edit" >>"$target"
t=$(now_ms); "$LEANCACHE" -C "$proj" hash >"$LC_TMP/edit"; edit=$(ms_since "$t")
changed=$(diff "$LC_TMP/cold" "$LC_TMP/edit" | grep -c '^>' || true)

# Baseline for the client alone: one Status round trip.
t=$(now_ms); "$LEANCACHE" daemon status >/dev/null; rtt=$(ms_since "$t")

printf '\nleancache hash on %d modules, %s source bytes (%d files)\n\n' "$modules" "$bytes" "${#files[@]}"
printf '| measurement | ms | ratio to baseline | target |\n|---|---:|---:|---|\n'
printf '| read floor: cat all sources | %s | 1.00 | baseline |\n' "$floor"
printf '| cold hash (fresh daemon, empty index) | %s | %s | <= 3.00 x floor |\n' "$cold" "$(awk -v a="$cold" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
printf '| warm hash p50 (20 runs) | %s | %s | <= 50 ms |\n' "$p50" "$(awk -v a="$p50" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
printf '| hash after editing 1 file (%d keys changed) | %s | %s | |\n' "$changed" "$edit" "$(awk -v a="$edit" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
printf '| client round trip (daemon status) | %s | %s | |\n' "$rtt" "$(awk -v a="$rtt" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
