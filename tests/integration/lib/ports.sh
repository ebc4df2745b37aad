# ports.sh -- free-port and wait-for-port helpers for integration tests (source me).
#
#   free_port            print a TCP port on 127.0.0.1 that was free a moment ago. Another process
#                        can still take it before you bind it: callers retry on bind failure.
#   wait_port HOST PORT [TRIES=200]
#                        return 0 once a TCP connect to HOST:PORT succeeds (polls every 50 ms),
#                        1 after TRIES attempts.
#   serve_on_free_port TRIES CMD [ARGS...]
#                        run `CMD PORT ARGS...` in the background (output discarded) on a free
#                        port and wait (wait_port TRIES) until it accepts connections; another
#                        port is tried when it does not come up (the port was taken meanwhile),
#                        3 times. Sets SERVED_PORT and SERVED_PID; returns 1 if it never came up.

free_port() {
  if [[ -x /usr/bin/python3 ]]; then
    /usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  # Fallback without python: random high ports until one refuses connections.
  local p i
  for i in $(seq 1 100); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "free_port: no free port found" >&2
  return 1
}

wait_port() {
  local host=$1 port=$2 tries=${3:-200} i
  for ((i = 0; i < tries; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}

serve_on_free_port() {
  local tries=$1 attempt port pid
  shift
  for attempt in 1 2 3; do
    port=$(free_port) || return 1
    ( "$1" "$port" "${@:2}" ) >/dev/null 2>&1 </dev/null &
    pid=$!
    if wait_port 127.0.0.1 "$port" "$tries" && kill -0 "$pid" 2>/dev/null; then
      SERVED_PORT=$port
      SERVED_PID=$pid
      return 0
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  return 1
}
