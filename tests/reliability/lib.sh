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
MIRROR_PY="$REL_ROOT/tests/integration/lib/mirror.py"
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
  for i in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
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

# rel_mirror SRC KEYS OUT: packs every module of SRC (with built artifacts) into OUT/f/.
rel_mirror() { LEANCACHE_MIRROR_JOBS=${LEANCACHE_MIRROR_JOBS:-2} /usr/bin/python3 "$MIRROR_PY" "$LTAR" "$1" "$2" "$3"; }

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
