#!/usr/bin/env bash
# Memory of the daemon (issue 16: idle RSS <= 64 MB, peak <= 256 MB on the full 8 316-module
# workspace): VmRSS right after start, after a first (hash) request, after a cold get of every
# module, after a warm no-op get, and after an idle period; VmHWM (the peak) at the end.
# Usage: tests/bench/memory_bench.sh [BUILD_DIR] [ARTIFACT_SCALE=0.05] [LIMIT=0 (all)] [IDLE_SECONDS=30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEANCACHE_BINARY_DIR="$(cd "${1:-$root/build}" && pwd)"
scale="${2:-0.05}"
limit="${3:-0}"
idle="${4:-30}"
export LEANCACHE_SHARED_DIR="${LEANCACHE_SHARED_DIR:-$(cd "$root/../shared" && pwd)}"
source "$root/tests/integration/lib/daemon.sh"
source "$root/tests/integration/lib/nginx.sh"
lc_setup
secs() { local end=$EPOCHREALTIME; awk -v a="$1" -v b="$end" 'BEGIN{printf "%.2f", b-a}'; }
# The mirror is packed by a separate daemon, so the measured one starts fresh.
lc_start_daemon --idle-timeout 0
source "$root/tests/bench/lib/fixture.sh"
bench_packed_fixture "$scale" "$limit" "$LC_TMP/mirror"
packer=$(lc_daemon_pid)
"$LEANCACHE" daemon stop >/dev/null 2>&1 || true
for _ in $(seq 1 100); do lc_proc_ended "$packer" && break; sleep 0.1; done
rm -rf "$XDG_STATE_HOME/leancache/index"
nginx_start "$LC_TMP/mirror" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_GET_URL="$NGINX_URL" MATHLIB_CACHE_DIR="$LC_TMP/cache"
proj="$LC_TMP/proj"; mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj")

lc_start_daemon --idle-timeout 0
pid=$(lc_daemon_pid)
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
rows=()
row() { rows+=("| $1 | $(mb "$(kb VmRSS)") MB | $(mb "$(kb VmHWM)") MB | $2 |"); }
sleep 1; row "after start" ""
t=$EPOCHREALTIME; "$LEANCACHE" -C "$proj" hash >/dev/null; row "after the first hash" "$(secs "$t") s"
t=$EPOCHREALTIME; "$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || fail "cold get failed"; row "after a cold get of $n archives" "$(secs "$t") s"
sleep 2; row "2 s later (the job has finished: statistics written, memory trimmed)" ""
t=$EPOCHREALTIME; "$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || fail "warm get failed"; row "after a warm no-op get" "$(secs "$t") s"
sleep "$idle"; row "after $idle s idle" ""
peak=$(kb VmHWM); idle_rss=$(kb VmRSS)

printf '\nDaemon memory: %d modules, %d archives (artifact scale %s), loopback nginx\n\n' "$(wc -l <"$LC_TMP/keys")" "$n" "$scale"
printf '| moment | VmRSS | VmHWM (peak so far) | time |\n|---|---:|---:|---:|\n'
printf '%s\n' "${rows[@]}"
printf '\nBudgets: idle RSS <= 64 MB: %s (%s MB); peak <= 256 MB: %s (%s MB)\n' \
  "$([ "$idle_rss" -le $((64 * 1024)) ] && echo met || echo NOT met)" "$(mb "$idle_rss")" \
  "$([ "$peak" -le $((256 * 1024)) ] && echo met || echo NOT met)" "$(mb "$peak")"
