# lib.sh -- shared helpers of the reliability suite (source me after setting nothing).
#
# Every script of tests/reliability/ runs the real leancached/leancache against loopback
# servers, repeats one kind of fault many times, checks after each trial that nothing is
# corrupt, and ends with one machine-readable line
#     FIGURES <part> key=value key=value ...
# that run_all.sh turns into the figures table. Any loss makes the script exit 1.
#
# Trial counts: each script takes its count as first argument or from its own variable (e.g.
# CRASH_GET_TRIALS); RELIABILITY_MODE=ci selects the small CI default, anything else the full
# default.
#
# Needs LEANCACHE_BINARY_DIR (and LEANCACHE_SHARED_DIR unless ../shared is beside the checkout).

REL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REL_ROOT=$(cd "$REL_DIR/../.." && pwd)
source "$REL_ROOT/tests/integration/lib/daemon.sh"
source "$REL_ROOT/tests/integration/lib/nginx.sh"
FAULTPROXY_PY="$REL_ROOT/tests/tools/faultproxy/faultproxy.py"

# rel_trials ARG FULL CI: the trial count (ARG if given, else FULL or CI by RELIABILITY_MODE).
rel_trials() {
  if [ -n "${1:-}" ]; then echo "$1"; elif [ "${RELIABILITY_MODE:-full}" = ci ]; then echo "$3"; else echo "$2"; fi
}

# rel_random LO HI: a uniform integer in [LO, HI] (bash RANDOM, seeded by RELIABILITY_SEED).
RANDOM=${RELIABILITY_SEED:-$$}
rel_random() { echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) )); }

# rel_figures PART key=value...: the summary line run_all.sh collects.
rel_figures() { local part=$1; shift; echo "FIGURES $part $*"; }

# rel_now_ms: wall clock in milliseconds.
rel_now_ms() { date +%s%3N; }

# rel_copy_sources SRC DST: the project's sources without build outputs (a fresh checkout).
rel_copy_sources() {
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$2")
}

# rel_wipe_builds DIR: remove every .lake/build below DIR (the root one and the packages').
rel_wipe_builds() { find "$1" -path '*/.lake/build' -prune -exec rm -rf {} +; }

# rel_verify PROJECT [extra verify args]: runs `leancache --json verify`; sets VERIFY_RC,
# VERIFY_JSON (stdout), VERIFY_OUT (stderr) and VERIFY_PROBLEMS (unresolved problems, or
# "?" when there is no JSON).
rel_verify() {
  local p=$1; shift
  set +e
  VERIFY_JSON=$("$LEANCACHE" -C "$p" --json verify "$@" 2>"$LC_TMP/verify.err")
  VERIFY_RC=$?
  set -e
  VERIFY_OUT=$(cat "$LC_TMP/verify.err")
  VERIFY_PROBLEMS=$(python3 -c 'import json,sys
try: print(json.loads(sys.argv[1])["unresolved"])
except Exception: print("?")' "$VERIFY_JSON")
}

# rel_json_field JSON EXPR: evaluates a Python expression over the parsed document `d`.
rel_json_field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# rel_temp_files DIR: count of "*.part" files in DIR.
rel_temp_files() { find "$1" -maxdepth 1 -name '*.part' 2>/dev/null | wc -l; }

# rel_wait_daemon_gone PID: waits (up to 10 s) until process PID has exited.
rel_wait_gone() {
  local i
  for i in $(seq 1 200); do lc_proc_ended "$1" && return 0; sleep 0.05; done
  return 1
}

# rel_kill9_daemon: kill -9 the daemon of $LEANCACHE_SOCKET and wait until it is gone.
rel_kill9_daemon() {
  local pid
  pid=$(lc_daemon_pid)
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  rel_wait_gone "$pid" || fail "daemon $pid survived kill -9"
}

export LEANCACHE_MIRROR_JOBS=${LEANCACHE_MIRROR_JOBS:-2}  # lc_mirror packs in parallel

# faultproxy_start UPSTREAM_HOSTPORT WORKDIR [faultproxy args...]: starts the fault proxy; sets
# PROXY_PID, PROXY_URL. Stopped automatically when the calling script exits.
faultproxy_start() {
  local upstream=$1 dir=$2 i
  shift 2
  mkdir -p "$dir"; rm -f "$dir/port"
  /usr/bin/python3 "$FAULTPROXY_PY" --upstream "$upstream" --port-file "$dir/port" "$@" \
    >"$dir/proxy.out" 2>"$dir/proxy.err" </dev/null &
  PROXY_PID=$!
  for i in $(seq 1 200); do
    if [ -s "$dir/port" ]; then
      PROXY_URL="http://127.0.0.1:$(cat "$dir/port")"
      local owner=$$ pid=$PROXY_PID
      ( while kill -0 "$owner" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
        kill -TERM "$pid" 2>/dev/null || true ) >/dev/null 2>&1 </dev/null &
      disown $! 2>/dev/null || true
      return 0
    fi
    kill -0 "$PROXY_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$dir/proxy.err" >&2
  return 1
}
faultproxy_set() { curl -sS --fail -X PUT --data-binary "$1" "$PROXY_URL/_proxy/faults" >/dev/null; }
faultproxy_reset() { curl -sS --fail -X POST --data-binary '' "$PROXY_URL/_proxy/reset" >/dev/null; }
faultproxy_stats() { curl -sS --fail "$PROXY_URL/_proxy/stats"; }
faultproxy_stop() { [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null || true; }

# rel_restart_daemon [args]: starts a daemon unless one already answers (a client may have
# autostarted one after the previous daemon was killed).
rel_restart_daemon() {
  "$LEANCACHE" daemon status >/dev/null 2>&1 && return 0
  lc_start_daemon "$@"
}

# rel_drop_some DIR: deletes ~30% of the archives in DIR, at random.
rel_drop_some() {
  local f
  for f in "$1"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
  return 0
}

# rel_drop_cached PROJECT: deletes ~30% of CACHEDIR's archives and lets the daemon forget them.
rel_drop_cached() {
  rel_drop_some "$MATHLIB_CACHE_DIR"
  "$LEANCACHE" -C "$1" verify --cache-only --repair >/dev/null 2>&1 || true
}

# --- kill -9 trials (crash_get.sh, crash_put.sh) ---------------------------------------------
# rel_crash_init MEASURED_MS: the kill window is three quarters of a measured command (so kills
# land inside it even when it is quick), at least 20 ms; the trial counters start at zero.
rel_crash_init() {
  CRASH_WINDOW=$(( $1 * 3 / 4 < 20 ? 20 : $1 * 3 / 4 ))
  CRASH_KILLED=0 CRASH_FINISHED_FIRST=0 CRASH_CORRUPT=0 CRASH_NEXT_FAILED=0 CRASH_FAILED=0 CRASH_T=0
}

# rel_crash_more TRIALS: whether another trial is due: fewer than TRIALS kills landed and at most
# 3 x TRIALS + 5 trials ran (trials whose command finished before the kill do not count).
rel_crash_more() { [ "$CRASH_KILLED" -lt "$1" ] && [ "$CRASH_T" -lt $(($1 * 3 + 5)) ]; }

# rel_crash_run OUT CMD...: one trial's command, in the background, with the daemon killed -9
# after a random delay within the window; then a daemon is running again. Sets CRASH_POINT;
# a command quicker than the draw narrows the window so that later kills land inside.
# Resets CRASH_BAD (the trial's problems, appended by rel_crash_verify and the caller).
rel_crash_run() {
  local out=$1 delay c; shift
  CRASH_T=$((CRASH_T + 1)) CRASH_BAD=""
  delay=$(rel_random 0 "$CRASH_WINDOW")
  "$@" >"$out" 2>&1 & c=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -0 "$c" 2>/dev/null; then
    rel_kill9_daemon
    CRASH_KILLED=$((CRASH_KILLED + 1))
    CRASH_POINT="killed at $delay ms"
  else
    CRASH_FINISHED_FIRST=$((CRASH_FINISHED_FIRST + 1))
    CRASH_WINDOW=$(( delay * 2 / 3 < 20 ? 20 : delay * 2 / 3 ))
    CRASH_POINT="finished before $delay ms"
  fi
  set +e; wait "$c"; set -e
  rel_restart_daemon --idle-timeout 0
}

# rel_crash_verify PROJECT WHEN: `verify` must find nothing; problems count as corrupt entries.
rel_crash_verify() {
  rel_verify "$1"
  if [ "$VERIFY_RC" != 0 ]; then
    CRASH_CORRUPT=$((CRASH_CORRUPT + ${VERIFY_PROBLEMS/\?/1}))
    CRASH_BAD="$CRASH_BAD; verify $2 found $VERIFY_PROBLEMS problem(s): $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
  fi
}

# rel_crash_next PROJECT CMD...: the next command after the crash must exit 0.
rel_crash_next() {
  local p=$1 out rc; shift
  set +e; out=$("$LEANCACHE" -C "$p" "$@" 2>&1); rc=$?; set -e
  if [ "$rc" != 0 ]; then
    CRASH_NEXT_FAILED=$((CRASH_NEXT_FAILED + 1))
    CRASH_BAD="$CRASH_BAD; next $* exit $rc: $(tail -5 <<<"$out")"
  fi
}

# rel_crash_end LABEL: reports the trial (ok, or FAIL with its problems on stderr).
rel_crash_end() {
  if [ -n "$CRASH_BAD" ]; then
    CRASH_FAILED=$((CRASH_FAILED + 1))
    echo "trial $CRASH_T ($1): FAIL ${CRASH_BAD#; }" >&2
  else
    echo "trial $CRASH_T ($1): ok"
  fi
}

# rel_crash_finish PART TRIALS [extra figures...]: prints the figures and fails on any loss or
# when fewer than TRIALS kills landed inside the command.
rel_crash_finish() {
  local part=$1 trials=$2; shift 2
  rel_figures "$part" trials="$CRASH_T" kill_points="$CRASH_KILLED" finished_before_kill="$CRASH_FINISHED_FIRST" \
    failed_trials="$CRASH_FAILED" corrupt="$CRASH_CORRUPT" "$@"
  [ "$CRASH_FAILED" = 0 ] || fail "$part: $CRASH_FAILED of $CRASH_T trials lost data or failed"
  [ "$CRASH_KILLED" -ge "$trials" ] || fail "$part: only $CRASH_KILLED of $trials kills landed inside the command"
  echo "$part: all $CRASH_T trials passed ($CRASH_KILLED kill points)"
}
