# nginx.sh -- run a private nginx (WebDAV PUT/DELETE enabled) on 127.0.0.1 for tests (source me).
#
#   nginx_start ROOT WORKDIR [WRITE_TOKEN]
#       Serve directory ROOT on http://127.0.0.1:PORT/ with GET/HEAD and WebDAV PUT/DELETE
#       (create_full_put_path on). WORKDIR (created if needed) holds nginx.conf, the pid file,
#       logs/ and tmp/; nothing outside it and ROOT is written, so no root privileges are needed.
#       When running as root the workers run as root too (otherwise PUT fails with EACCES).
#       With WRITE_TOKEN, PUT/DELETE need `Authorization: Bearer WRITE_TOKEN` (401 otherwise).
#       Picks a free port (retrying if the port is taken meanwhile), waits until nginx accepts
#       connections, then sets NGINX_PORT, NGINX_PID, NGINX_URL, NGINX_DIR and writes the port to
#       WORKDIR/port. Returns nonzero (with the error log on stderr) if nginx does not come up.
#       nginx is also stopped automatically within ~0.5 s after the calling script exits.
#   nginx_stop [WORKDIR]
#       Stop the nginx started for WORKDIR (default: $NGINX_DIR) and wait until it has exited.
#       With NGINX_TLS=1 in the environment it serves HTTPS with HTTP/2 (ALPN h2) instead, using
#       a self-signed certificate for 127.0.0.1/localhost made with openssl in WORKDIR/tls/
#       (cert.pem is the CA file clients must trust); NGINX_URL is then https://...
#   nginx_exec ROOT WORKDIR PORT [WRITE_TOKEN]
#       Write the same config for PORT and exec nginx in the foreground (replaces the shell), for
#       callers that manage the process themselves (fork/exec from a C++ test, then kill).
#
# Conditional PUT: stock nginx ignores `If-None-Match: *` on PUT and overwrites. The config
# generated here emulates S3/Azure semantics: a PUT with `If-None-Match: *` to an existing file
# gets 412 (checked before the write; not atomic against a concurrent PUT of the same name).

_nginx_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_nginx_lib_dir/ports.sh"

_nginx_bin() {
  local b
  for b in "${NGINX:-}" "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx; do
    [[ -n "$b" && -x "$b" ]] && { echo "$b"; return 0; }
  done
  return 1
}

# Creates WORKDIR/tls/{cert,key}.pem (self-signed, P-256, for IP 127.0.0.1 and localhost).
_nginx_make_cert() {
  local dir=$1
  [[ -s "$dir/tls/cert.pem" && -s "$dir/tls/key.pem" ]] && return 0
  mkdir -p "$dir/tls" || return 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" -days 3650 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
}

_nginx_write_conf() {  # WORKDIR ROOT PORT TOKEN
  local dir=$1 root=$2 port=$3 token=$4 user_line="" gate="" listen tls_lines=""
  listen="127.0.0.1:$port"
  if [[ "${NGINX_TLS:-0}" == 1 ]]; then
    _nginx_make_cert "$dir" || { echo "nginx: cannot create a TLS certificate" >&2; return 1; }
    listen="127.0.0.1:$port ssl http2"
    tls_lines="ssl_certificate $dir/tls/cert.pem; ssl_certificate_key $dir/tls/key.pem;"
  fi
  if [[ $(id -u) == 0 ]]; then
    user_line="user root;"
  fi
  if [[ -n "$token" ]]; then
    gate="if (\$deny_write) { return 401; }"
  fi
  cat > "$dir/nginx.conf" <<CONF
daemon off;
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
  keepalive_requests 10000;
  map "\$request_method:\$http_authorization" \$deny_write {
    default 0;
    "~^(PUT|DELETE):(?!Bearer ${token}\$)" 1;
  }
  server {
    listen $listen;
    $tls_lines
    root $root;
    client_max_body_size 4g;
    location / {
      $gate
      set \$put_cond "";
      if (\$request_method = PUT) { set \$put_cond "P"; }
      if (\$http_if_none_match = "*") { set \$put_cond "\${put_cond}N"; }
      if (-f \$request_filename) { set \$put_cond "\${put_cond}E"; }
      if (\$put_cond = "PNE") { return 412; }
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
CONF
}

# True while process $1 exists and is not a zombie.
_proc_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [[ "$state" != Z ]]
}

# Stops nginx `$1` once the shell that sourced this file ($$) is gone, so a test that dies
# before nginx_stop (a failed check, `exit` in a trap-less script) does not leak the server.
# Detached from the caller's stdout/stderr (ctest waits for those pipes) and from `wait`.
_nginx_watch() {
  local pid=$1 owner=$$
  ( while kill -0 "$owner" 2>/dev/null && _proc_alive "$pid"; do sleep 0.5; done
    kill -TERM "$pid" 2>/dev/null || true ) >/dev/null 2>&1 </dev/null &
  disown $! 2>/dev/null || true
}

nginx_exec() {
  local root=$1 dir=$2 port=$3 token=${4:-} bin
  if [[ -z "$root" || -z "$dir" || -z "$port" ]]; then
    echo "usage: nginx_exec ROOT WORKDIR PORT [WRITE_TOKEN]" >&2
    return 2
  fi
  bin=$(_nginx_bin) || { echo "nginx_exec: nginx binary not found" >&2; return 127; }
  mkdir -p "$root" "$dir/logs" "$dir/tmp" || return 1
  root=$(cd "$root" && pwd)
  dir=$(cd "$dir" && pwd)
  _nginx_write_conf "$dir" "$root" "$port" "$token" || return 1
  exec "$bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
}

nginx_start() {
  local root=$1 dir=$2 token=${3:-} bin port attempt pid i
  if [[ -z "$root" || -z "$dir" ]]; then
    echo "usage: nginx_start ROOT WORKDIR [WRITE_TOKEN]" >&2
    return 2
  fi
  bin=$(_nginx_bin) || { echo "nginx_start: nginx binary not found" >&2; return 127; }
  mkdir -p "$root" "$dir/logs" "$dir/tmp" || return 1
  root=$(cd "$root" && pwd)
  dir=$(cd "$dir" && pwd)
  for attempt in 1 2 3 4 5; do
    port=$(free_port) || return 1
    _nginx_write_conf "$dir" "$root" "$port" "$token" || return 1
    rm -f "$dir/nginx.pid"
    # The master stays in the foreground (daemon off) so $! is its pid; its output goes to the
    # log so callers capturing our stdout (popen) do not wait for it.
    "$bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
      >>"$dir/logs/stdout.log" 2>&1 </dev/null &
    pid=$!
    for ((i = 0; i < 200; i++)); do
      if ! _proc_alive "$pid"; then
        break  # exited: most likely the port was taken; try another one
      fi
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "$pid" > "$dir/master.pid"
        echo "$port" > "$dir/port"
        _nginx_watch "$pid"
        NGINX_PORT=$port
        NGINX_PID=$pid
        NGINX_DIR=$dir
        NGINX_URL="http://127.0.0.1:$port"
        [[ "${NGINX_TLS:-0}" == 1 ]] && NGINX_URL="https://127.0.0.1:$port"
        return 0
      fi
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  echo "nginx_start: nginx did not come up; error log:" >&2
  cat "$dir/logs/error.log" "$dir/logs/stdout.log" >&2 2>/dev/null
  return 1
}

nginx_stop() {
  local dir=${1:-${NGINX_DIR:-}} pid i
  [[ -n "$dir" && -f "$dir/master.pid" ]] || return 0
  pid=$(cat "$dir/master.pid")
  if [[ -n "$pid" ]] && _proc_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      _proc_alive "$pid" || break
      sleep 0.05
    done
    _proc_alive "$pid" && { kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/master.pid" "$dir/port"
  return 0
}
