# tinyproxy.sh -- run a private tinyproxy (Debian package tinyproxy) on 127.0.0.1 (source me).
#
#   tinyproxy_start WORKDIR [USER PASS]
#       An HTTP proxy (plain requests and CONNECT tunnels, every port allowed) on a free loopback
#       port, logging each connection and request at level Connect to WORKDIR/tinyproxy.log. With
#       USER and PASS it demands Basic proxy authentication (407 otherwise). Sets TINYPROXY_PORT,
#       TINYPROXY_PID, TINYPROXY_LOG and TINYPROXY_URL (http://127.0.0.1:PORT, no credentials).
#       The proxy is stopped automatically within ~0.5 s after the calling script exits.
#   tinyproxy_stop
#       Stops it and waits until it has exited.

_tinyproxy_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_tinyproxy_lib_dir/ports.sh"
source "$_tinyproxy_lib_dir/nginx.sh"  # _proc_alive, and _nginx_watch (stops any pid with us)

tinyproxy_start() {
  local dir=$1 user=${2:-} pass=${3:-} port attempt pid auth=""
  command -v tinyproxy >/dev/null || { echo "tinyproxy_start: tinyproxy not installed" >&2; return 127; }
  mkdir -p "$dir" || return 1
  dir=$(cd "$dir" && pwd)
  [[ -n "$user" ]] && auth="BasicAuth $user $pass"
  for attempt in 1 2 3 4 5; do
    port=$(free_port) || return 1
    printf '%s\n' "Listen 127.0.0.1" "Port $port" "Timeout 30" "LogFile \"$dir/tinyproxy.log\"" \
      "LogLevel Connect" "MaxClients 200" "Allow 127.0.0.1" "DisableViaHeader Yes" "$auth" >"$dir/tinyproxy.conf"
    tinyproxy -d -c "$dir/tinyproxy.conf" >>"$dir/stdout.log" 2>&1 </dev/null &
    pid=$!
    # Up when the port answers while our process still runs (else the port was taken: retry).
    if wait_port 127.0.0.1 "$port" 100 && _proc_alive "$pid"; then
      _nginx_watch "$pid"
      TINYPROXY_PORT=$port TINYPROXY_PID=$pid TINYPROXY_LOG="$dir/tinyproxy.log"
      TINYPROXY_URL="http://127.0.0.1:$port"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  echo "tinyproxy_start: tinyproxy did not come up:" >&2
  cat "$dir/stdout.log" "$dir/tinyproxy.log" >&2 2>/dev/null
  return 1
}

tinyproxy_stop() {
  local pid=${TINYPROXY_PID:-} i
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do _proc_alive "$pid" || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  TINYPROXY_PID=""
}
