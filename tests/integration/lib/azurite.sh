# azurite.sh -- Azure Blob emulator (npm `azurite`) on 127.0.0.1 for tests (source me).
# See spec test-peers.md §5.1.
#
#   azurite_install
#       Install azurite@$AZURITE_VERSION (default 3.37.0) once into $AZURITE_HOME (default
#       $HOME/.cache/leancache-test-npm/azurite; npm's download cache next to it), under a lock, so
#       later runs start at once. Returns 77 with a message on stderr ONLY when npm is absent;
#       any other failure returns 1.
#   azurite_exec PORT [CERT KEY]
#       Install if needed, then exec azurite-blob in the foreground on 127.0.0.1:PORT (in-memory,
#       telemetry off, --loose --skipApiVersionCheck). With CERT and KEY it serves HTTPS with
#       `--oauth basic` (bearer tokens checked for iss/aud/nbf/exp, not signature).
#   azurite_start [CERT KEY]
#       Start on a free port and wait; sets AZURITE_PORT, AZURITE_PID and AZURITE_URL
#       (http[s]://127.0.0.1:PORT/devstoreaccount1). 77 when npm is absent.
#   azurite_stop         stop it and wait.
#   azurite_sas account [PERMS=rwdlac] [EXPIRY]   |   azurite_sas container NAME [PERMS=racwdl] [EXPIRY]
#       Print an account or container SAS query string (no '?') for the development account,
#       signed with HMAC-SHA256 by openssl.
#   azurite_make_cert DIR
#       Create DIR/cert.pem and DIR/key.pem (self-signed for 127.0.0.1/localhost).
#   azurite_bearer_token
#       Print an unsigned JWT that Azurite's `--oauth basic` accepts for one hour.

_azurite_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_azurite_lib_dir/ports.sh"

AZURITE_VERSION=${AZURITE_VERSION:-3.37.0}
AZURITE_HOME=${AZURITE_HOME:-${HOME:-/tmp}/.cache/leancache-test-npm/azurite}
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

azurite_install() {
  local bin="$AZURITE_HOME/node_modules/.bin/azurite-blob"
  [[ -x "$bin" ]] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "azurite: npm is not installed; skipping Azurite tests" >&2
    return 77
  fi
  mkdir -p "$AZURITE_HOME" || return 1
  (
    flock 9
    [[ -x "$bin" ]] && exit 0
    cd "$AZURITE_HOME" &&
      npm install --no-audit --no-fund --loglevel=error \
        --cache "$AZURITE_HOME/../npm-cache" "azurite@$AZURITE_VERSION" >&2
  ) 9>"$AZURITE_HOME/.install.lock"
  [[ -x "$bin" ]] || { echo "azurite: npm install azurite@$AZURITE_VERSION failed" >&2; return 1; }
}

azurite_exec() {
  local port=$1 cert=${2:-} key=${3:-} rc
  [[ -n "$port" ]] || { echo "usage: azurite_exec PORT [CERT KEY]" >&2; return 2; }
  azurite_install
  rc=$?
  [[ $rc == 0 ]] || return $rc
  local args=(--blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence --disableTelemetry
              --skipApiVersionCheck --loose --silent)
  if [[ -n "$cert" ]]; then
    args+=(--oauth basic --cert "$cert" --key "$key")
  fi
  exec "$AZURITE_HOME/node_modules/.bin/azurite-blob" "${args[@]}"
}

azurite_start() {
  local cert=${1:-} key=${2:-} rc scheme=http
  azurite_install
  rc=$?
  [[ $rc == 0 ]] || return $rc
  [[ -n "$cert" ]] && scheme=https
  if ! serve_on_free_port 600 azurite_exec "$cert" "$key"; then
    echo "azurite_start: azurite did not come up" >&2
    return 1
  fi
  AZURITE_PORT=$SERVED_PORT
  AZURITE_PID=$SERVED_PID
  AZURITE_URL="$scheme://127.0.0.1:$SERVED_PORT/$AZURITE_ACCOUNT"
}

azurite_stop() {
  [[ -n "${AZURITE_PID:-}" ]] || return 0
  kill "$AZURITE_PID" 2>/dev/null
  wait "$AZURITE_PID" 2>/dev/null
  AZURITE_PID=
}

_azurite_urlenc() {
  local s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

_azurite_sign() {  # STRING_TO_SIGN -> base64 HMAC-SHA256 with the account key
  local hexkey
  hexkey=$(printf '%s' "$AZURITE_KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  printf '%s' "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64 -w0
}

azurite_sas() {
  local sv=2021-08-06 spr=https,http sts sp se name nl=$'\n'
  case ${1:-} in
    account)
      sp=${2:-rwdlac}; se=${3:-2099-01-01T00:00:00Z}
      # account \n sp \n ss \n srt \n st \n se \n sip \n spr \n sv \n ses \n
      sts="$AZURITE_ACCOUNT$nl$sp${nl}b${nl}sco$nl$nl$se$nl$nl$spr$nl$sv$nl$nl"
      printf 'sv=%s&ss=b&srt=sco&sp=%s&se=%s&spr=%s&sig=%s\n' "$sv" "$sp" \
        "$(_azurite_urlenc "$se")" "$(_azurite_urlenc "$spr")" \
        "$(_azurite_urlenc "$(_azurite_sign "$sts")")" ;;
    container)
      name=${2:?container name}; sp=${3:-racwdl}; se=${4:-2099-01-01T00:00:00Z}
      # sp st se /blob/acct/cont si sip spr sv sr snapshot ses rscc rscd rsce rscl rsct
      sts="$sp$nl$nl$se$nl/blob/$AZURITE_ACCOUNT/$name$nl$nl$nl$spr$nl$sv${nl}c$nl$nl$nl$nl$nl$nl$nl"
      printf 'sv=%s&sr=c&sp=%s&se=%s&spr=%s&sig=%s\n' "$sv" "$sp" \
        "$(_azurite_urlenc "$se")" "$(_azurite_urlenc "$spr")" \
        "$(_azurite_urlenc "$(_azurite_sign "$sts")")" ;;
    *)
      echo "usage: azurite_sas account [PERMS] [EXPIRY] | azurite_sas container NAME [PERMS] [EXPIRY]" >&2
      return 2 ;;
  esac
}

azurite_make_cert() {
  local dir=${1:?dir}
  [[ -s "$dir/cert.pem" && -s "$dir/key.pem" ]] && return 0
  mkdir -p "$dir" || return 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
    -days 3650 -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    >/dev/null 2>&1
}

azurite_bearer_token() {
  local now header payload
  now=$(date +%s)
  _b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
  header=$(printf '{"alg":"none","typ":"JWT"}' | _b64url)
  payload=$(printf '{"aud":"https://storage.azure.com","iss":"https://sts.windows.net/00000000-0000-0000-0000-000000000000/","iat":%d,"nbf":%d,"exp":%d}' \
    "$now" $((now - 60)) $((now + 3600)) | _b64url)
  printf '%s.%s.sig\n' "$header" "$payload"
}
