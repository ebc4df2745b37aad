#!/usr/bin/env bash
# Proxies (issue 13) with real tinyproxy instances on loopback. The daemon is started without any
# proxy variable; each client request carries them (or the config file names a proxy):
#   * the config file's proxy carries a request that sets none;
#   * http_proxy (with Basic credentials) over HTTP, https_proxy over HTTPS (CONNECT tunnel) to a
#     TLS nginx trusted through SSL_CERT_FILE: the request's variables win over the config;
#   * a proxy that demands credentials and gets none, and a proxy that is down, fail fast with
#     one line naming the proxy (credentials redacted everywhere);
#   * no_proxy sends the request direct;
#   * uploads (`put`) and Lake's cache (`lake get`, `lake put-staged`) take the request's proxy too.
# Every "went through the proxy" is checked in that proxy's own log.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/tinyproxy.sh"
lc_setup
# CA and proxy settings of the machine running the tests would change what is tested.
unset http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
MODULES=${NETWORK_PROXY_TEST_MODULES:-60}
src="$LC_TMP/src"
lc_fixture "$src" "$MODULES" --artifacts
tinyproxy_start "$LC_TMP/proxy-open"
open_url=$TINYPROXY_URL open_log=$TINYPROXY_LOG open_pid=$TINYPROXY_PID
tinyproxy_start "$LC_TMP/proxy-auth" alice 's3cret-pw'
auth_url=$TINYPROXY_URL auth_port=$TINYPROXY_PORT auth_log=$TINYPROXY_LOG
mkdir -p "$XDG_CONFIG_HOME/leancache"
echo "{\"proxy\": \"$open_url\"}" >"$XDG_CONFIG_HOME/leancache/config.json"
lc_start_daemon --idle-timeout 0 --log-level debug
lc_mirror_of "$src"
nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
plain_url=$NGINX_URL plain_hostport=127.0.0.1:$NGINX_PORT
NGINX_TLS=1 nginx_start "$mirror" "$LC_TMP/nginx-tls" >/dev/null
tls_url=$NGINX_URL tls_hostport=127.0.0.1:$NGINX_PORT tls_ca="$LC_TMP/nginx-tls/tls/cert.pem"
daemon_env=$(tr '\0' '\n' <"/proc/$(lc_daemon_pid)/environ" | grep -ci '_proxy=' || true)
expect_eq "$daemon_env" 0 "proxy variables in the daemon's environment"
P="$LC_TMP/proj"
lc_copy_sources "$src" "$P"
pass "fixture: $n archives; proxies $open_url (open, in the config) and $auth_url (Basic auth)"

case_n=0
run_get() {  # run_get: a get into an empty CACHEDIR; sets RC, OUT, SECS
  case_n=$((case_n + 1))
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-$case_n"
  local t0 t1
  t0=$(date +%s%N)
  set +e; OUT=$("$LEANCACHE" -C "$P" get 2>&1); RC=$?; set -e
  t1=$(date +%s%N)
  echo "$OUT" >>"$LC_TMP/all-output"
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
}
expect_all() {  # LABEL
  expect_eq "$RC" 0 "$1: exit code ($(tail -4 <<<"$OUT"))"
  [ "$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')" = "$n" ] || fail "$1: not every archive arrived"
}
log_count() { grep -c "$2" "$1" || true; }  # LOG PATTERN

before=$(log_count "$open_log" "Request .*GET http://$plain_hostport/f/")
MATHLIB_CACHE_GET_URL="$plain_url" run_get
expect_all "config proxy"
got=$(( $(log_count "$open_log" "Request .*GET http://$plain_hostport/f/") - before ))
expect_eq "$got" "$n" "requests through the config's proxy"
pass "config proxy: $n archives via $open_url (its log shows $got GETs) in $SECS s"

before=$(log_count "$auth_log" "Request .*GET http://$plain_hostport/f/")
before_open=$(log_count "$open_log" "Request .*GET http://$plain_hostport/f/")
http_proxy="http://alice:s3cret-pw@127.0.0.1:$auth_port" MATHLIB_CACHE_GET_URL="$plain_url" run_get
expect_all "http_proxy with credentials"
got=$(( $(log_count "$auth_log" "Request .*GET http://$plain_hostport/f/") - before ))
expect_eq "$got" "$n" "requests through the authenticating proxy"
expect_eq "$(log_count "$open_log" "Request .*GET http://$plain_hostport/f/")" "$before_open" "requests through the config proxy when the request names one"
pass "http_proxy=http://alice:***@...: $n archives through the authenticating proxy in $SECS s (the request's variable wins over the config)"

before=$(log_count "$auth_log" "CONNECT $tls_hostport")
https_proxy="http://alice:s3cret-pw@127.0.0.1:$auth_port" SSL_CERT_FILE="$tls_ca" MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_all "https_proxy (CONNECT)"
tunnels=$(( $(log_count "$auth_log" "CONNECT $tls_hostport") - before ))
[ "$tunnels" -ge 1 ] || fail "https_proxy: no CONNECT $tls_hostport in the proxy's log"
pass "https_proxy: $n archives over HTTPS through $tunnels CONNECT tunnel(s) in $SECS s"

before=$(log_count "$auth_log" "Request ")
no_proxy="127.0.0.1" http_proxy="$auth_url" MATHLIB_CACHE_GET_URL="$plain_url" run_get
expect_all "no_proxy"
expect_eq "$(log_count "$auth_log" "Request ")" "$before" "requests the proxy saw with no_proxy=127.0.0.1"
pass "no_proxy=127.0.0.1: $n archives direct (the proxy saw none) in $SECS s"

# Uploads: `put` to an nginx WebDAV server through the request's proxy.
nginx_start "$LC_TMP/dav" "$LC_TMP/nginx-dav" >/dev/null
dav_url=$NGINX_URL dav_hostport=127.0.0.1:$NGINX_PORT
[ -d "$src/.git" ] || (cd "$src" && git init -q && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m fixture)
before=$(log_count "$auth_log" "Request .*PUT http://$dav_hostport/")
set +e
OUT=$(http_proxy="http://alice:s3cret-pw@127.0.0.1:$auth_port" MATHLIB_CACHE_PUT_URL="$dav_url" "$LEANCACHE" -C "$src" put 2>&1)
RC=$?
set -e
echo "$OUT" >>"$LC_TMP/all-output"
expect_eq "$RC" 0 "put through http_proxy: exit code ($(tail -3 <<<"$OUT"))"
stored=$(find "$LC_TMP/dav" -name '*.ltar' | wc -l)
puts=$(( $(log_count "$auth_log" "Request .*PUT http://$dav_hostport/") - before ))
expect_eq "$stored" "$n" "archives stored by put through the proxy"
[ "$puts" -ge "$n" ] || fail "put: the proxy's log shows $puts PUTs for $n archives"
pass "put through http_proxy (Basic auth): $n archives stored, the proxy's log shows $puts PUTs"

# Lake's cache: `lake get MAPPINGS --scope` from an S3-layout nginx through the request's proxy.
LP="$LC_TMP/lakeproj"
mkdir -p "$LP" "$LC_TMP/lakesrv/artifacts/proxied"
printf 'name = "proxied"\n' >"$LP/lakefile.toml"
{ echo '"2026-03-17"'; } >"$LC_TMP/map.jsonl"
for i in 1 2 3; do
  head -c $((4000 + i * 101)) /dev/urandom >"$LC_TMP/art$i"
  h=$(/usr/bin/python3 "$(dirname "$0")/lib/lakehash.py" "$LC_TMP/art$i" | cut -d' ' -f1)
  cp "$LC_TMP/art$i" "$LC_TMP/lakesrv/artifacts/proxied/$h.art"
  printf '["%016x","%s.olean"]\n' "$i" "$h" >>"$LC_TMP/map.jsonl"
done
nginx_start "$LC_TMP/lakesrv" "$LC_TMP/nginx-lake" >/dev/null
lake_hostport=127.0.0.1:$NGINX_PORT
before=$(log_count "$auth_log" "Request .*GET http://$lake_hostport/artifacts/")
set +e
OUT=$(http_proxy="http://alice:s3cret-pw@127.0.0.1:$auth_port" LAKE_CACHE_DIR="$LC_TMP/lakecache" \
  LAKE_CONFIG="$LC_TMP/none.toml" LAKE_CACHE_ARTIFACT_ENDPOINT="$NGINX_URL/artifacts" \
  LAKE_CACHE_REVISION_ENDPOINT="$NGINX_URL/revisions" \
  "$LEANCACHE" -C "$LP" lake get "$LC_TMP/map.jsonl" --scope proxied 2>&1)
RC=$?
set -e
echo "$OUT" >>"$LC_TMP/all-output"
expect_eq "$RC" 0 "lake get through http_proxy: exit code ($(tail -3 <<<"$OUT"))"
expect_eq "$(find "$LC_TMP/lakecache/artifacts" -name '*.olean' | wc -l)" 3 "Lake artifacts fetched through the proxy"
got=$(( $(log_count "$auth_log" "Request .*GET http://$lake_hostport/artifacts/") - before ))
expect_eq "$got" 3 "Lake artifact GETs in the proxy's log"
pass "lake get through http_proxy: 3 artifacts, the proxy's log shows $got GETs"

http_proxy="$auth_url" MATHLIB_CACHE_GET_URL="$plain_url" run_get
expect_eq "$RC" 1 "no proxy credentials: exit code"
expect_contains "$OUT" "cannot reach proxy http://127.0.0.1:$auth_port (for $plain_hostport): proxy authentication failed — check the user and password in the proxy URL" "no proxy credentials"
! grep -q '\.ltar: ' <<<"$OUT" || fail "no proxy credentials: per-file error lines"
pass "proxy demands credentials, none given: exit 1 after $SECS s: $(grep '^cannot reach' <<<"$OUT")"

https_proxy="http://alice:wrong-pw@127.0.0.1:$auth_port" SSL_CERT_FILE="$tls_ca" MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_eq "$RC" 1 "wrong proxy password: exit code"
expect_contains "$OUT" "cannot reach proxy http://127.0.0.1:$auth_port (for $tls_hostport): proxy authentication failed" "wrong proxy password"
! grep -q '\.ltar: ' <<<"$OUT" || fail "wrong proxy password: per-file error lines: $(grep -m2 '\.ltar: ' <<<"$OUT")"
pass "wrong proxy password (CONNECT): exit 1 after $SECS s: $(grep '^cannot reach' <<<"$OUT")"

down_port=$(free_port)
https_proxy="http://bob:hunter2-secret@127.0.0.1:$down_port" SSL_CERT_FILE="$tls_ca" MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_eq "$RC" 1 "proxy down: exit code"
expect_contains "$OUT" "cannot reach proxy http://127.0.0.1:$down_port (for $tls_hostport): proxy refused the connection — check that the proxy runs" "proxy down"
[ "$(grep -c '^cannot reach' <<<"$OUT")" = 1 ] || fail "proxy down: not one line: $OUT"
awk -v s="$SECS" 'BEGIN { exit !(s < 20) }' || fail "proxy down took $SECS s"
pass "proxy down: exit 1 after $SECS s: $(grep '^cannot reach' <<<"$OUT")"

for secret in s3cret-pw wrong-pw hunter2-secret; do
  ! grep -rq -- "$secret" "$XDG_STATE_HOME/leancache"/*.log* 2>/dev/null || fail "proxy password $secret in the daemon's log"
  ! grep -q -- "$secret" "$LC_TMP/all-output" || fail "proxy password $secret in the client's output"
done
pass "no proxy password in the daemon's debug log or any output"
echo "network_proxy: all checks passed"
