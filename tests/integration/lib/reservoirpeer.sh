# reservoirpeer.sh -- run the Reservoir API stand-in (tests/tools/reservoirpeer/reservoirpeer.py)
# on 127.0.0.1 (source me).
#
#   reservoirpeer_start ROOT CDN_URL
#       start it on a free port serving mappings from ROOT and naming artifact URLs under CDN_URL;
#       wait until it accepts connections, then set RESERVOIR_PEER_PID and RESERVOIR_PEER_API
#       (http://127.0.0.1:PORT/api/v1). Returns nonzero if it does not come up.
#   reservoirpeer_stop   stop it and wait for it. The server also exits by itself once the shell
#                        that started it is gone.

_reservoirpeer_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_reservoirpeer_lib_dir/ports.sh"
RESERVOIR_PEER_SCRIPT="$_reservoirpeer_lib_dir/../../tools/reservoirpeer/reservoirpeer.py"

reservoirpeer_exec() {  # PORT ROOT CDN_URL: the server in the foreground
  exec /usr/bin/python3 "$RESERVOIR_PEER_SCRIPT" "$1" "$2" "$3"
}

reservoirpeer_start() {
  local root=$1 cdn=$2
  [[ -n "$root" && -n "$cdn" ]] || { echo "usage: reservoirpeer_start ROOT CDN_URL" >&2; return 2; }
  mkdir -p "$root" || return 1
  if ! serve_on_free_port 200 reservoirpeer_exec "$root" "$cdn"; then
    echo "reservoirpeer_start: server did not come up" >&2
    return 1
  fi
  RESERVOIR_PEER_PID=$SERVED_PID
  RESERVOIR_PEER_API="http://127.0.0.1:$SERVED_PORT/api/v1"
}

reservoirpeer_stop() {
  [[ -n "${RESERVOIR_PEER_PID:-}" ]] || return 0
  kill "$RESERVOIR_PEER_PID" 2>/dev/null
  wait "$RESERVOIR_PEER_PID" 2>/dev/null || true
  RESERVOIR_PEER_PID=
}
