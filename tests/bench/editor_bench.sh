#!/usr/bin/env bash
# Benchmark of the editor API on a generated Mathlib-shaped project (the real import graph's
# first MODULES modules): how long after an edit to the deepest module an open `leancache watch`
# reports its new state, against the baseline an editor without Watch has — write the file, then
# ask `leancache status FILE` (a fresh client process; the daemon re-hashes what changed). Also
# cold and warm FileStatus. Target (editor issue): Watch reports an edit within 1 s on 2 000
# modules. Each edit alternately appends and removes a comment line, so keys alternate too.
# Usage: tests/bench/editor_bench.sh [BUILD_DIR] [MODULES=2000] [EDITS=9]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
modules="${2:-2000}"
edits="${3:-9}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
lc_setup
now_ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; }
p50() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
worst() { sort -n | tail -1; }

lc_start_daemon --idle-timeout 0
proj="$LC_TMP/proj"
lc_fixture "$proj" "$modules"
mod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["graph_modules"][-1])' "$proj/.fixturegen.json")
file="$proj/$(echo "$mod" | tr . /).lean"
count=$("$LEANCACHE" -C "$proj" hash | wc -l)
cp "$file" "$LC_TMP/original.lean"
edit() {  # edit I: odd I adds a comment line, even I restores the generated file
  if (( $1 % 2 )); then { cat "$LC_TMP/original.lean"; echo "-- edited by editor_bench"; } >"$file.tmp" && mv "$file.tmp" "$file"
  else cp "$LC_TMP/original.lean" "$file"; fi
}

t0=$(now_ms); "$LEANCACHE" -C "$proj" status "$file" >/dev/null || true; cold=$(( $(now_ms) - t0 ))
warm=()
for _ in $(seq 5); do
  t0=$(now_ms); "$LEANCACHE" -C "$proj" status "$file" >/dev/null || true; warm+=($(( $(now_ms) - t0 )))
done

# Baseline: edit, then ask.
base=()
for i in $(seq "$edits"); do
  t0=$(now_ms); edit "$i"; "$LEANCACHE" -C "$proj" status "$file" >/dev/null || true; base+=($(( $(now_ms) - t0 )))
done
edit 0  # leave the file as generated

# Watch: edit, then wait for the i-th event about the module.
out="$LC_TMP/watch.out"
# Each line is stamped on arrival by a block-reading python (a bash `read` loop reads a pipe one
# byte at a time and would lag behind the ~1 500 dependents' events of one edit).
stamp='import sys, time
for line in sys.stdin:
    sys.stdout.write("%d %s" % (time.time() * 1000, line)); sys.stdout.flush()'
( "$LEANCACHE" -C "$proj" --json watch 2>"$out.err" | python3 -u -c "$stamp" >"$out" ) &
pipe=$!
for _ in $(seq 400); do grep -q '"event":"ready"' "$out" 2>/dev/null && break; sleep 0.05; done
grep -q '"event":"ready"' "$out" || fail "watch did not become ready: $(cat "$out.err")"
watch=()
for i in $(seq "$edits"); do
  t0=$(now_ms); edit "$i"
  for _ in $(seq 3000); do [ "$(grep -c "\"module\":\"$mod\"" "$out")" -ge "$i" ] && break; sleep 0.005; done
  line=$(grep "\"module\":\"$mod\"" "$out" | sed -n "${i}p")
  [ -n "$line" ] || fail "watch did not report edit $i within 15 s"
  watch+=($(( ${line%% *} - t0 )))
  prev=-1  # let the dependents' events drain before the next edit
  while [ "$(wc -l <"$out")" != "$prev" ]; do prev=$(wc -l <"$out"); sleep 0.2; done
done
kill -INT "$(pgrep -f -n -- "$LEANCACHE -C $proj --json watch")" 2>/dev/null || true
wait "$pipe" || true

bp=$(printf '%s\n' "${base[@]}" | p50)
wp=$(printf '%s\n' "${watch[@]}" | p50)
ww=$(printf '%s\n' "${watch[@]}" | worst)
echo
echo "editor bench: $count modules, $edits edits of $mod, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "| measurement | p50 | worst |"
echo "|---|---|---|"
echo "| FileStatus cold (client included) | $cold ms | |"
echo "| FileStatus warm (client included) | $(printf '%s\n' "${warm[@]}" | p50) ms | $(printf '%s\n' "${warm[@]}" | worst) ms |"
echo "| baseline: edit, then \`leancache status\` | $bp ms | $(printf '%s\n' "${base[@]}" | worst) ms |"
echo "| Watch: edit -> event | $wp ms | $ww ms |"
awk -v w="$wp" -v b="$bp" 'BEGIN{printf "Watch / baseline (p50): %.2fx\n", (b > 0 ? w / b : 0)}'
if [ "$ww" -lt 1000 ]; then echo "target met: every edit reported within 1 s"; else echo "target MISSED: worst ${ww} ms (>= 1 s)"; fi
