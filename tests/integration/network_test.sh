#!/usr/bin/env bash
# Real networks (issue 13), against loopback servers and a name under .invalid: a source that
# cannot be resolved, refuses connections or fails TLS makes `get` fail fast (exit 1) with one
# line naming the host, the cause and what to check, whatever the number of files; a chain whose
# first source is dead falls through to a live one; SSL_CERT_FILE makes a self-signed mirror
# work; offline mode unpacks what is cached, lists what is missing and sends no request.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
lc_setup
# CA and proxy settings of the machine running the tests would change what is tested.
unset http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
MODULES=${NETWORK_TEST_MODULES:-200}
LIMIT_S=20  # loose bound on the wall time of a failing get (the goal is ~10 s, typical < 1 s)
lc_mirrored_fixture "$MODULES"
plain_url=$NGINX_URL plain_port=$NGINX_PORT plain_log="$NGINX_DIR/logs/access.log"
NGINX_TLS=1 nginx_start "$mirror" "$LC_TMP/nginx-tls" >/dev/null
tls_url=$NGINX_URL tls_ca="$LC_TMP/nginx-tls/tls/cert.pem"
P="$LC_TMP/proj"
lc_copy_sources "$src" "$P"
pass "fixture: $n archives on $plain_url and $tls_url"

case_n=0
run_get() {  # run_get ARGS...: a get into an empty CACHEDIR; sets RC, OUT, SECS
  case_n=$((case_n + 1))
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-$case_n"
  local t0 t1
  t0=$(date +%s%N)
  set +e; OUT=$("$LEANCACHE" -C "$P" get "$@" 2>&1); RC=$?; set -e
  t1=$(date +%s%N)
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
}
expect_fast_failure() {  # LABEL EXPECTED_LINE
  expect_eq "$RC" 1 "$1: exit code ($(tail -3 <<<"$OUT"))"
  expect_contains "$OUT" "$2" "$1"
  [ "$(grep -c '^cannot reach' <<<"$OUT")" = 1 ] || fail "$1: not exactly one 'cannot reach' line: $OUT"
  ! grep -q '\.ltar: ' <<<"$OUT" || fail "$1: per-file error lines: $(grep -m3 '\.ltar: ' <<<"$OUT")"
  expect_contains "$OUT" "$n download(s) failed" "$1 summary"
  awk -v s="$SECS" -v l="$LIMIT_S" 'BEGIN { exit !(s < l) }' || fail "$1 took $SECS s"
  pass "$1: exit 1 after $SECS s with $n archives: $(grep '^cannot reach' <<<"$OUT")"
}

MATHLIB_CACHE_GET_URL=http://leancache-test.invalid run_get
expect_fast_failure "unresolvable host" \
  "cannot reach leancache-test.invalid: could not resolve host — check the network, a proxy (https_proxy) or MATHLIB_CACHE_GET_URL"

dead_port=$(free_port)
MATHLIB_CACHE_GET_URL="http://127.0.0.1:$dead_port" run_get
expect_fast_failure "refused port" "cannot reach 127.0.0.1:$dead_port: could not connect (refused or unreachable) — check"

MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_fast_failure "untrusted certificate" "cannot reach 127.0.0.1:${tls_url##*:}: TLS certificate not trusted — check"

MATHLIB_CACHE_GET_URL="https://127.0.0.1:$plain_port" run_get
expect_fast_failure "TLS handshake with a plain HTTP server" "cannot reach 127.0.0.1:$plain_port: TLS handshake failed — check"

CURL_CA_BUNDLE="$LC_TMP/no-such-bundle.pem" MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_fast_failure "missing CA bundle" "the CA bundle cannot be used — check SSL_CERT_FILE / CURL_CA_BUNDLE"

SSL_CERT_FILE="$tls_ca" MATHLIB_CACHE_GET_URL="$tls_url" run_get
expect_eq "$RC" 0 "SSL_CERT_FILE: exit code ($(grep -v '^Decompress' <<<"$OUT" | tail -5))"
[ "$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')" = "$n" ] || fail "SSL_CERT_FILE: not every archive arrived"
pass "SSL_CERT_FILE=<self-signed cert>: all $n archives over HTTPS in $SECS s"
full_cache=$MATHLIB_CACHE_DIR

# Offline: unpack what is cached, list what is missing, never send a request.
export MATHLIB_CACHE_DIR="$LC_TMP/cache-offline"
cp -r "$full_cache" "$MATHLIB_CACHE_DIR"
gone=$(ls "$MATHLIB_CACHE_DIR" | grep '\.ltar$' | sed -n 1,7p)
(cd "$MATHLIB_CACHE_DIR" && rm -f $gone)
lc_copy_sources "$src" "$LC_TMP/proj-offline"
requests_before=$(wc -l <"$plain_log")
for how in flag env; do
  set +e
  if [ "$how" = flag ]; then
    OUT=$(MATHLIB_CACHE_GET_URL="$plain_url" "$LEANCACHE" -C "$LC_TMP/proj-offline" get --offline 2>&1); RC=$?
  else
    OUT=$(LEANCACHE_OFFLINE=1 MATHLIB_CACHE_GET_URL="$plain_url" "$LEANCACHE" -C "$LC_TMP/proj-offline" get 2>&1); RC=$?
  fi
  set -e
  expect_eq "$RC" 0 "offline ($how): exit code as for misses ($(tail -3 <<<"$OUT"))"
  expect_contains "$OUT" "Offline (--offline / LEANCACHE_OFFLINE): not downloading 7 file(s) missing from the cache:" "offline ($how)"
  for h in $gone; do expect_contains "$OUT" "(${h})" "offline ($how) lists $h"; done
  expect_contains "$OUT" "Warning: some files were not found in the cache." "offline ($how) warning"
done
expect_eq "$(wc -l <"$plain_log")" "$requests_before" "offline: requests sent to the mirror"
unpacked=$(find "$LC_TMP/proj-offline" -name '*.olean' | wc -l)
[ "$unpacked" -ge $((n - 7 - 20)) ] || fail "offline: only $unpacked modules unpacked"
pass "offline (--offline and LEANCACHE_OFFLINE=1): $unpacked modules unpacked, 7 missing listed, 0 requests"

# A chain whose first source is dead falls through to the live one (config mirror, prepended).
"$LEANCACHE" daemon stop >/dev/null
for i in $(seq 1 100); do [ -S "$LEANCACHE_SOCKET" ] || break; sleep 0.05; done
mkdir -p "$XDG_CONFIG_HOME/leancache"
echo '{"mirrors": [{"url": "http://leancache-dead-mirror.invalid", "mode": "prepend"}]}' \
  >"$XDG_CONFIG_HOME/leancache/config.json"
lc_start_daemon --idle-timeout 0
MATHLIB_CACHE_GET_URL="$plain_url" run_get
expect_eq "$RC" 0 "dead first source: exit code ($(tail -5 <<<"$OUT"))"
expect_contains "$OUT" "cannot reach leancache-dead-mirror.invalid: could not resolve host" "dead first source"
[ "$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')" = "$n" ] || fail "fall-through: not every archive arrived"
awk -v s="$SECS" -v l="$LIMIT_S" 'BEGIN { exit !(s < l) }' || fail "fall-through took $SECS s"
pass "dead first source: fell through to $plain_url, all $n archives in $SECS s"
echo "network: all checks passed"
