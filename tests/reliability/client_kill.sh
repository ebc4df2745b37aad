#!/usr/bin/env bash
# client_kill.sh [TRIALS]: kill -9 the CLIENT at a random point of a slow `get` (every body
# trickles through the fault proxy). The daemon must notice and cancel cleanly:
#   1. it keeps running and, within 5 s, has no active request left;
#   2. its transfers stop (the proxy sees no new request afterwards) and no temp file remains;
#   3. `verify` finds nothing, and the next get (no faults) completes.
# Default 20 trials (RELIABILITY_MODE=ci: 2).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${CLIENT_KILL_TRIALS:-}}" 20 2)
MODULES=${CLIENT_KILL_MODULES:-60}
lc_setup
lc_mirrored_fixture "$MODULES"
faultproxy_start "127.0.0.1:$NGINX_PORT" "$LC_TMP/proxy" --trickle-rate 20000 >/dev/null
export MATHLIB_CACHE_GET_URL="$PROXY_URL"
P="$LC_TMP/proj"
echo "fixture: $MODULES modules, $n archives behind a trickling proxy"

active_requests() { "$LEANCACHE" --json daemon status | python3 -c 'import json,sys; print(json.load(sys.stdin)["active_requests"])'; }
failed=0 cancelled_ok=0 slow_cancel=0
for t in $(seq 1 "$TRIALS"); do
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-$t"
  rel_copy_sources "$src" "$P"
  faultproxy_set '{"trickle":1.0}'
  delay=$(rel_random 300 2500)
  "$LEANCACHE" -C "$P" get >/dev/null 2>&1 & c=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$c" 2>/dev/null || true
  set +e; wait "$c" 2>/dev/null; set -e
  bad=""
  pid=$(lc_daemon_pid)
  ok=0
  for i in $(seq 1 100); do
    if [ "$(active_requests 2>/dev/null || echo x)" = 0 ]; then ok=1; break; fi
    sleep 0.05
  done
  [ "$ok" = 1 ] || { slow_cancel=$((slow_cancel + 1)); bad="request still active 5 s after the client died"; }
  kill -0 "$pid" 2>/dev/null || bad="$bad; the daemon died"
  before=$(rel_json_field "$(faultproxy_stats)" 'd["requests"]')
  sleep 1
  after=$(rel_json_field "$(faultproxy_stats)" 'd["requests"]')
  [ "$before" = "$after" ] || bad="$bad; transfers went on after the cancel ($before -> $after requests)"
  for i in $(seq 1 50); do [ "$(rel_temp_files "$MATHLIB_CACHE_DIR")" = 0 ] && break; sleep 0.1; done
  [ "$(rel_temp_files "$MATHLIB_CACHE_DIR")" = 0 ] || bad="$bad; temp files left in CACHEDIR"
  rel_verify "$P"
  [ "$VERIFY_RC" = 0 ] || bad="$bad; verify: $(head -c 400 <<<"$VERIFY_JSON$VERIFY_OUT")"
  faultproxy_set '{}'
  set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
  [ "$rc" = 0 ] || bad="$bad; next get exit $rc: $(tail -3 <<<"$out")"
  rm -rf "$MATHLIB_CACHE_DIR"
  if [ -n "$bad" ]; then
    failed=$((failed + 1)); echo "trial $t (client killed at $delay ms): FAIL $bad" >&2
  else
    cancelled_ok=$((cancelled_ok + 1)); echo "trial $t (client killed at $delay ms): ok"
  fi
done
faultproxy_stop; nginx_stop
rel_figures client_kill trials="$TRIALS" clean_cancels="$cancelled_ok" failed_trials="$failed" \
  still_active_after_5s="$slow_cancel"
[ "$failed" = 0 ] || fail "client_kill: $failed of $TRIALS trials failed"
echo "client_kill: all $TRIALS trials passed"
