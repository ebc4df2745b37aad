# s3peer.sh -- run the SigV4-verifying S3 test server (tests/tools/s3peer/s3peer.py) on 127.0.0.1
# (source me). Needs /usr/bin/python3 with python3-botocore.
#
#   s3peer_available     return 0 when /usr/bin/python3 can import botocore (else print why, 1).
#   s3peer_exec PORT DATADIR
#       exec the server in the foreground on PORT (for callers that fork/exec and kill it).
#   s3peer_start DATADIR
#       start it on a free port, wait until it accepts connections, then set S3PEER_PORT,
#       S3PEER_PID and S3PEER_URL (http://127.0.0.1:PORT). Returns nonzero if it does not come up.
#   s3peer_stop          stop the server started by s3peer_start and wait for it.
#
# Credentials: S3_ACCESS_KEY / S3_SECRET_KEY in the environment of the server (default: the AWS
# documentation pair AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY); with
# S3_SESSION_TOKEN set, requests must carry that x-amz-security-token. Any region is accepted.

_s3peer_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_s3peer_lib_dir/ports.sh"
S3PEER_SCRIPT="$_s3peer_lib_dir/../../tools/s3peer/s3peer.py"

s3peer_available() {
  if [[ ! -x /usr/bin/python3 ]]; then
    echo "s3peer: /usr/bin/python3 not found" >&2
    return 1
  fi
  if ! /usr/bin/python3 -c 'import botocore.auth' 2>/dev/null; then
    echo "s3peer: python3-botocore is not installed (apt-get install python3-botocore)" >&2
    return 1
  fi
}

s3peer_exec() {
  local port=$1 data=$2
  if [[ -z "$port" || -z "$data" ]]; then
    echo "usage: s3peer_exec PORT DATADIR" >&2
    return 2
  fi
  exec /usr/bin/python3 "$S3PEER_SCRIPT" "$port" "$data"
}

s3peer_start() {
  local data=$1
  [[ -n "$data" ]] || { echo "usage: s3peer_start DATADIR" >&2; return 2; }
  s3peer_available || return 1
  if ! serve_on_free_port 200 s3peer_exec "$data"; then
    echo "s3peer_start: server did not come up" >&2
    return 1
  fi
  S3PEER_PORT=$SERVED_PORT
  S3PEER_PID=$SERVED_PID
  S3PEER_URL="http://127.0.0.1:$SERVED_PORT"
}

s3peer_stop() {
  [[ -n "${S3PEER_PID:-}" ]] || return 0
  kill "$S3PEER_PID" 2>/dev/null
  wait "$S3PEER_PID" 2>/dev/null || true
  S3PEER_PID=
}
