#!/usr/bin/env bash
# network_faults.sh [TRIALS]: `leancache get` through a loopback fault proxy in front of nginx
# that breaks a random share of the replies: 5xx, connection reset mid-body, truncated body
# (true Content-Length, early FIN), short body (lying Content-Length), stalled body, slow
# trickle, connection closed without reply. Each trial is a get into an empty CACHEDIR and
# project. Checks per trial:
#   * exit 0  => every archive present and byte-identical to the server's, and `verify` finds
#               every module unpacked and intact;
#   * exit 1  => the output says which downloads failed; `verify` finds nothing corrupt; no temp
#               file is left; a get without faults then completes;
#   * any other exit code fails the trial;
#   * retries are bounded: no archive is requested more than 2 x --max-attempts times in one
#     get (--max-attempts attempts, each of which libcurl may repeat once on a dead keep-alive
#     connection).
# Then hard faults (NETWORK_HARD_TRIALS rounds, default 3, ci 1): a source under .invalid, a
# refused port, an untrusted TLS certificate and a proxy that is down must each end the get with
# exit 1 and one line naming the host or proxy within 20 s, leaving nothing behind.
# Default 24 trials of 150 modules (> 3 600 requests; RELIABILITY_MODE=ci: 2 trials of 60).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${NETWORK_FAULTS_TRIALS:-}}" 24 2)
MODULES=${NETWORK_FAULTS_MODULES:-$([ "${RELIABILITY_MODE:-full}" = ci ] && echo 60 || echo 150)}
MAX_ATTEMPTS=5
# Odd trials: transient faults only (a retry can succeed); even trials add short bodies (a
# complete-looking reply that is cut: not a valid archive, which is not retried).
TRANSIENT=${NETWORK_FAULTS_MIX:-'{"status":0.06,"reset":0.05,"truncate":0.05,"stall":0.01,"trickle":0.03,"close":0.03}'}
WITH_SHORT=${NETWORK_FAULTS_MIX_SHORT:-'{"status":0.06,"reset":0.05,"truncate":0.05,"short":0.03,"stall":0.01,"trickle":0.03,"close":0.03}'}
lc_setup
unset http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
lc_mirrored_fixture "$MODULES" --stall-timeout 2 --max-attempts "$MAX_ATTEMPTS"
faultproxy_start "127.0.0.1:$NGINX_PORT" "$LC_TMP/proxy" --seed "${RELIABILITY_SEED:-7}" \
  --trickle-rate 50000 --stall-seconds 20 >/dev/null
export MATHLIB_CACHE_GET_URL="$PROXY_URL"
P="$LC_TMP/proj"
echo "fixture: $MODULES modules, $n archives; fault mixes $TRANSIENT / $WITH_SHORT"

declare -A fault_totals
transient_ok=0 requests=0 gets_ok=0 gets_failed_clean=0 failed=0 corrupt=0 max_hits=0 wrong_rc=0 recover_failed=0
for t in $(seq 1 "$TRIALS"); do
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-$t"
  rel_copy_sources "$src" "$P"
  if [ $((t % 2)) = 1 ]; then FAULTS=$TRANSIENT; mix=transient; else FAULTS=$WITH_SHORT; mix=with-short; fi
  faultproxy_set "$FAULTS"
  faultproxy_reset
  set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
  stats=$(faultproxy_stats)
  faultproxy_set '{}'
  r=$(rel_json_field "$stats" 'd["requests"]')
  h=$(rel_json_field "$stats" 'd["max_hits"]')
  requests=$((requests + r))
  [ "$h" -gt "$max_hits" ] && max_hits=$h
  for k in status reset truncate short stall trickle close pass; do
    fault_totals[$k]=$(( ${fault_totals[$k]:-0} + $(rel_json_field "$stats" "d['faults']['$k']") ))
  done
  bad=""
  # libcurl itself retries once, transparently, when a reused keep-alive connection turns out
  # closed before any reply byte (the "close" fault), so one attempt is at most two requests.
  [ "$h" -le $((2 * MAX_ATTEMPTS)) ] || bad="an archive was requested $h times (limit 2 x $MAX_ATTEMPTS)"
  rel_verify "$P"
  [ "$VERIFY_RC" = 0 ] || { corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify: $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"; }
  [ "$(rel_temp_files "$MATHLIB_CACHE_DIR")" = 0 ] || bad="$bad; temp files left"
  for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
    [ -e "$f" ] || continue
    cmp -s "$f" "$mirror/f/$(basename "$f")" || { corrupt=$((corrupt + 1)); bad="$bad; $(basename "$f") differs from the server's"; }
  done
  case "$rc" in
    0)
      gets_ok=$((gets_ok + 1))
      [ "$mix" = transient ] && transient_ok=$((transient_ok + 1))
      have=$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$' || true)
      [ "$have" = "$n" ] || bad="$bad; exit 0 but only $have of $n archives"
      [ "$VERIFY_RC" = 0 ] && { u=$(rel_json_field "$VERIFY_JSON" 'd["project"]["modules"] - d["project"]["modules_checked"]'); [ "$u" = 0 ] || bad="$bad; exit 0 but $u module(s) not unpacked"; }
      ;;
    1)
      gets_failed_clean=$((gets_failed_clean + 1))
      grep -q "download(s) failed" <<<"$out" || bad="$bad; exit 1 without naming the failed downloads: $(tail -3 <<<"$out")"
      set +e; out2=$("$LEANCACHE" -C "$P" get 2>&1); rc2=$?; set -e
      [ "$rc2" = 0 ] || { recover_failed=$((recover_failed + 1)); bad="$bad; get without faults exit $rc2: $(tail -3 <<<"$out2")"; }
      rel_verify "$P"
      [ "$VERIFY_RC" = 0 ] || { corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify after recovery: $(head -c 400 <<<"$VERIFY_JSON")"; }
      ;;
    *)
      wrong_rc=$((wrong_rc + 1)); bad="$bad; exit code $rc: $(tail -3 <<<"$out")" ;;
  esac
  rm -rf "$MATHLIB_CACHE_DIR"
  if [ -n "$bad" ]; then
    failed=$((failed + 1)); echo "trial $t ($mix): FAIL (exit $rc, $r requests) $bad" >&2
  else
    echo "trial $t ($mix): ok (exit $rc, $r requests, max $h per archive)"
  fi
done
faultproxy_stop

# Hard faults: a source that cannot be reached at all — a name under .invalid, a refused port,
# an untrusted TLS certificate, a proxy that is down. Each get must end fast (exit 1, exactly one
# "cannot reach" line naming the host or proxy, no temp file, nothing corrupt) however many
# archives are missing; a get from the live mirror then completes.
HARD_TRIALS=$(rel_trials "${NETWORK_HARD_TRIALS:-}" 3 1)
plain_url=$NGINX_URL plain_dir=$NGINX_DIR
NGINX_TLS=1 nginx_start "$mirror" "$LC_TMP/nginx-tls" >/dev/null
tls_url=$NGINX_URL
dead_port=$(free_port)
declare -A hard_max_ms
hard_failed=0
for t in $(seq 1 "$HARD_TRIALS"); do
  for fault in unresolvable refused tls proxy_down; do
    export MATHLIB_CACHE_DIR="$LC_TMP/cache-hard"
    rm -rf "$MATHLIB_CACHE_DIR"
    rel_copy_sources "$src" "$P"
    proxy=""
    case $fault in
      unresolvable) url="http://leancache-rel-$t.invalid" want="cannot reach leancache-rel-$t.invalid: could not resolve host" ;;
      refused) url="http://127.0.0.1:$dead_port" want="cannot reach 127.0.0.1:$dead_port: could not connect" ;;
      tls) url="$tls_url" want="cannot reach ${tls_url#https://}: TLS certificate not trusted" ;;
      proxy_down) url="$plain_url" proxy="http://u:pw-$t@127.0.0.1:$dead_port"
                  want="cannot reach proxy http://127.0.0.1:$dead_port (for ${plain_url#http://}): proxy refused the connection" ;;
    esac
    t0=$(rel_now_ms)
    set +e; out=$(http_proxy="$proxy" MATHLIB_CACHE_GET_URL="$url" "$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
    ms=$(( $(rel_now_ms) - t0 ))
    [ "$ms" -gt "${hard_max_ms[$fault]:-0}" ] && hard_max_ms[$fault]=$ms
    bad=""
    [ "$rc" = 1 ] || bad="exit $rc"
    grep -qF -- "$want" <<<"$out" || bad="$bad; no line '$want'"
    [ "$(grep -c '^cannot reach' <<<"$out")" = 1 ] || bad="$bad; not exactly one 'cannot reach' line"
    [ "$ms" -lt 20000 ] || bad="$bad; took $ms ms"
    ! grep -q "pw-$t" <<<"$out" || bad="$bad; proxy password in the output"
    [ "$(rel_temp_files "$MATHLIB_CACHE_DIR")" = 0 ] || bad="$bad; temp files left"
    set +e; out2=$(MATHLIB_CACHE_GET_URL="$plain_url" "$LEANCACHE" -C "$P" get 2>&1); rc2=$?; set -e
    [ "$rc2" = 0 ] || bad="$bad; get from the live mirror then exit $rc2: $(tail -2 <<<"$out2")"
    rel_verify "$P"
    [ "$VERIFY_RC" = 0 ] || { corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify: $(head -c 300 <<<"$VERIFY_JSON")"; }
    if [ -n "$bad" ]; then
      hard_failed=$((hard_failed + 1)); failed=$((failed + 1))
      echo "hard $t $fault: FAIL ($ms ms) $bad: $(tail -3 <<<"$out")" >&2
    else
      echo "hard $t $fault: ok, exit 1 after $ms ms with $n archives missing: $(grep '^cannot reach' <<<"$out")"
    fi
  done
done
nginx_stop "$LC_TMP/nginx-tls"
NGINX_DIR=$plain_dir
nginx_stop
secs() { awk -v m="${hard_max_ms[$1]:-0}" 'BEGIN { printf "%.1f", m / 1000 }'; }
injected=$(( requests - ${fault_totals[pass]:-0} ))
rel_figures network_faults trials="$TRIALS" requests="$requests" faults_injected="$injected" \
  status_5xx="${fault_totals[status]}" reset="${fault_totals[reset]}" truncate="${fault_totals[truncate]}" \
  short_body="${fault_totals[short]}" stall="${fault_totals[stall]}" trickle="${fault_totals[trickle]}" \
  close="${fault_totals[close]}" gets_ok="$gets_ok" transient_trials_ok="$transient_ok" gets_exit1="$gets_failed_clean" wrong_exit="$wrong_rc" \
  max_requests_per_archive="$max_hits" corrupt="$corrupt" failed_trials="$failed" \
  hard_trials="$HARD_TRIALS" hard_archives="$n" hard_failed="$hard_failed" unresolvable_max_s="$(secs unresolvable)" \
  refused_max_s="$(secs refused)" tls_max_s="$(secs tls)" proxy_down_max_s="$(secs proxy_down)"
[ "$failed" = 0 ] || fail "network_faults: $failed of $TRIALS trials failed"
echo "network_faults: all $TRIALS trials passed ($requests requests, $injected faults)"
