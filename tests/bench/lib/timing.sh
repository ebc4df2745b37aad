# Timing helpers for the benchmark scripts (source after tests/integration/lib/daemon.sh).
# bench_time NAME CMD...: runs CMD (output discarded; fails the script if CMD fails) and records
#   its wall time and CPU time (user+sys of CMD's process tree, plus the daemon's CPU time when
#   a daemon of this run is up: work a client asks the daemon to do is the daemon's CPU).
# median NAME / median_cpu NAME: medians in seconds (3 decimals); median_ms NAME: wall in ms.
declare -A BT_WALL BT_CPU
mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1e6}'; }
bench_daemon_ticks() {
  local pid
  pid=$(lc_daemon_pid 2>/dev/null || true)
  if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
    sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'
  else
    echo 0
  fi
}
bench_time() {
  local name="$1"; shift
  local d0 d1 t0 t1 tm
  d0=$(bench_daemon_ticks)
  t0=$EPOCHREALTIME
  tm=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>"$LC_TMP/bench.err"; } 2>&1 ) \
    || { cat "$LC_TMP/bench.err" >&2; fail "$name failed: $*"; }
  t1=$EPOCHREALTIME
  d1=$(bench_daemon_ticks)
  BT_WALL[$name]+=" $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')"
  BT_CPU[$name]+=" $(awk -v u="${tm% *}" -v s="${tm#* }" -v d="$((d1 - d0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN{printf "%.3f", u + s + d / hz}')"
}
bench_median_of() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
median() { printf '%.3f' "$(bench_median_of "${BT_WALL[$1]}")"; }
median_cpu() { printf '%.2f' "$(bench_median_of "${BT_CPU[$1]}")"; }
median_ms() { awk -v s="$(bench_median_of "${BT_WALL[$1]}")" 'BEGIN{printf "%.1f", s*1000}'; }
