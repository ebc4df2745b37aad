#!/usr/bin/env bash
# The negative cache end to end: archives the server answered 404 for are not requested again
# by the next get (a message says when they were checked), `get --refresh` and `get!` ask again,
# the memory survives a daemon restart, and LEANCACHE_NEGATIVE_CACHE_TTL=0 turns it off.
# Requests are counted by the fault proxy (no faults) in front of nginx.
source "$(dirname "$0")/../reliability/lib.sh"
lc_setup
lc_mirrored_fixture 30
# Three archives are not on the server.
mkdir -p "$LC_TMP/held"
ls "$mirror/f" | sort | head -3 | while read -r f; do mv "$mirror/f/$f" "$LC_TMP/held/"; done
faultproxy_start "127.0.0.1:$NGINX_PORT" "$LC_TMP/proxy" >/dev/null
export MATHLIB_CACHE_GET_URL="$PROXY_URL"
requests() { rel_json_field "$(faultproxy_stats)" 'd["requests"]'; }
proj="$LC_TMP/proj"
rel_copy_sources "$src" "$proj"
get() { set +e; out=$("$LEANCACHE" -C "$proj" get "$@" 2>&1); rc=$?; set -e; }

get
expect_eq "$rc" "0" "first get with 3 archives missing upstream (a warning, as the original)"
expect_contains "$out" "Warning: some files were not found in the cache." "first get warns"
first=$(requests)
[ "$first" -ge "$((n - 3))" ] || fail "first get sent only $first requests"
get
expect_eq "$rc" "0" "second get"
expect_contains "$out" "3 file(s) not on the server at $PROXY_URL (checked 0 min ago)" "second get's message"
expect_contains "$out" "Warning: some files were not found in the cache." "second get still warns"
expect_eq "$(requests)" "$first" "requests sent by the second get"
pass "a get after 404s sends no request for them and says when they were checked"

get --refresh
expect_eq "$(requests)" "$((first + 3))" "requests after get --refresh"
pass "get --refresh asks the server again for the 3 archives"

"$LEANCACHE" daemon stop >/dev/null
lc_start_daemon --idle-timeout 0
before=$(requests)
get
expect_contains "$out" "3 file(s) not on the server" "after a restart"
expect_eq "$(requests)" "$before" "requests after a daemon restart"
pass "the negative cache survives a daemon restart (LMDB index)"

LEANCACHE_NEGATIVE_CACHE_TTL=0 get
expect_eq "$(requests)" "$((before + 3))" "requests with the negative cache off"
case "$out" in *"not on the server"*) fail "TTL 0 still skipped: $out";; esac
pass "LEANCACHE_NEGATIVE_CACHE_TTL=0 turns it off"

# The archives appear upstream: within the TTL a plain get still trusts the 404s; get! asks.
mv "$LC_TMP/held/"*.ltar "$mirror/f/"
get
expect_contains "$out" "3 file(s) not on the server" "plain get within the TTL trusts the 404s"
set +e; out=$("$LEANCACHE" -C "$proj" get! 2>&1); rc=$?; set -e
expect_eq "$rc" "0" "get! after the archives appeared ($out)"
get
case "$out" in *"not on the server"*|*"not found in the cache"*) fail "get after get! still misses: $out";; esac
pass "get! asks again and finds archives that appeared upstream"
