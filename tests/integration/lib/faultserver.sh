# faultserver.sh -- start/stop the loopback fault server (tests/tools/faultserver) (source me).
#
#   faultserver_start ROOT WORKDIR [extra faultserver.py args...]
#       Serve ROOT on 127.0.0.1 (kernel-chosen port) with scripted faults; see the header of
#       tests/tools/faultserver/faultserver.py for the rule format. Default lifetime 300 s
#       (pass --max-seconds N to change). Sets FAULT_PORT, FAULT_PID, FAULT_URL, FAULT_DIR and
#       writes WORKDIR/port. Returns nonzero (with the server's stderr) if it does not come up.
#       The server also stops by itself within ~0.5 s after the calling script exits.
#   faultserver_set_faults JSON      replace the rules, e.g.
#       faultserver_set_faults '{"rules":[{"path":"/f/a.ltar","fault":"status","status":500,"times":2}]}'
#   faultserver_stats                print the statistics JSON (connections, hits, ...)
#   faultserver_reset                clear rules and statistics
#   faultserver_stop [WORKDIR]       stop it and wait for it to exit

_faultserver_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAULTSERVER_PY=${FAULTSERVER_PY:-$_faultserver_lib_dir/../../tools/faultserver/faultserver.py}

# True while process $1 exists and is not a zombie.
_fs_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [[ "$state" != Z ]]
}

faultserver_start() {
  local root=$1 dir=$2 pid i
  shift 2 || { echo "usage: faultserver_start ROOT WORKDIR [args...]" >&2; return 2; }
  mkdir -p "$root" "$dir" || return 1
  dir=$(cd "$dir" && pwd)
  rm -f "$dir/port"
  /usr/bin/python3 "$FAULTSERVER_PY" --root "$root" --port-file "$dir/port" --max-seconds 300 "$@" \
    >"$dir/faultserver.out" 2>"$dir/faultserver.err" </dev/null &
  pid=$!
  for ((i = 0; i < 200; i++)); do
    if [[ -s "$dir/port" ]]; then
      echo "$pid" > "$dir/faultserver.pid"
      # Stop it once the calling script is gone, even if it never calls faultserver_stop.
      local owner=$$
      ( while kill -0 "$owner" 2>/dev/null && _fs_alive "$pid"; do sleep 0.5; done
        kill -TERM "$pid" 2>/dev/null || true ) >/dev/null 2>&1 </dev/null &
      disown $! 2>/dev/null || true
      FAULT_PORT=$(cat "$dir/port")
      FAULT_PID=$pid
      FAULT_DIR=$dir
      FAULT_URL="http://127.0.0.1:$FAULT_PORT"
      return 0
    fi
    _fs_alive "$pid" || break
    sleep 0.05
  done
  echo "faultserver_start: server did not come up:" >&2
  cat "$dir/faultserver.err" >&2
  kill "$pid" 2>/dev/null || true
  return 1
}

faultserver_set_faults() {
  curl -sS --fail -X PUT --data-binary "$1" "$FAULT_URL/_admin/faults" >/dev/null
}

faultserver_stats() {
  curl -sS --fail "$FAULT_URL/_admin/stats"
}

faultserver_reset() {
  curl -sS --fail -X POST --data-binary '' "$FAULT_URL/_admin/reset" >/dev/null
}

faultserver_stop() {
  local dir=${1:-${FAULT_DIR:-}} pid i
  [[ -n "$dir" && -f "$dir/faultserver.pid" ]] || return 0
  pid=$(cat "$dir/faultserver.pid")
  if [[ -n "$pid" ]] && _fs_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      _fs_alive "$pid" || break
      sleep 0.05
    done
    _fs_alive "$pid" && { kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/faultserver.pid" "$dir/port"
  return 0
}
