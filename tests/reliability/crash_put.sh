#!/usr/bin/env bash
# crash_put.sh [TRIALS]: kill -9 the daemon at random points of `leancache put` (pack into
# CACHEDIR, then upload to an nginx WebDAV server), restart it, and check that nothing is
# corrupt and the next put completes.
#
# Each trial deletes ~30% of the archives from CACHEDIR (so put must pack again) and ~30% of the
# uploaded objects (so it must upload again), starts `put`, and kills the daemon with SIGKILL
# after a random delay within the measured length of such a put. Then, with a new daemon:
#   1. `verify` must find nothing (archives and the project's outputs against them);
#   2. `put` must exit 0;
#   3. `verify` must find nothing;
#   4. the server must hold every module's archive, byte-identical to CACHEDIR's.
# TRIALS is the number of kills that must land inside a put (trials where the put finished
# before the kill are repeated, up to 3 x TRIALS + 5, each narrowing the window). Default 60 (RELIABILITY_MODE=ci: 3); env CRASH_PUT_MODULES (default 60).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${CRASH_PUT_TRIALS:-}}" 60 3)
MODULES=${CRASH_PUT_MODULES:-60}
lc_setup
P="$LC_TMP/src"
lc_fixture "$P" "$MODULES" --artifacts
(cd "$P" && git init -q && git add -A >/dev/null && git -c user.email=t@t -c user.name=t commit -qm fixture)
lc_start_daemon --idle-timeout 0
mkdir -p "$LC_TMP/dav"
nginx_start "$LC_TMP/dav" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_PUT_URL="$NGINX_URL"
dav="$LC_TMP/dav/f"

t0=$(rel_now_ms)
"$LEANCACHE" -C "$P" put >"$LC_TMP/put.out" 2>&1 || fail "clean put failed: $(tail -5 "$LC_TMP/put.out")"
t1=$(rel_now_ms)
total=$(ls "$dav" | grep -c '\.ltar$')
[ "$total" -gt 0 ] || fail "clean put uploaded nothing"
# The window: a put that has to redo ~30% of the work, measured once.
for f in "$MATHLIB_CACHE_DIR"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
"$LEANCACHE" -C "$P" verify --cache-only --repair >/dev/null 2>&1 || true
for f in "$dav"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
t2=$(rel_now_ms)
"$LEANCACHE" -C "$P" put >/dev/null 2>&1 || fail "second put failed"
t3=$(rel_now_ms)
# Three quarters of the measured put, so that kills land inside one even when a put is quick
# (a partial put of the smoke fixture takes ~150 ms on a quiet machine).
window=$(( (t3 - t2) * 3 / 4 ))
window=$(( window < 20 ? 20 : window ))
echo "fixture: $MODULES modules, $total archives; full put ~$((t1 - t0)) ms, partial put ~$((t3 - t2)) ms; kill window 0..$window ms"

killed=0 finished_first=0 corrupt=0 next_failed=0 trials_failed=0
t=0
while [ "$killed" -lt "$TRIALS" ] && [ "$t" -lt $((TRIALS * 3 + 5)) ]; do
  t=$((t + 1))
  for f in "$MATHLIB_CACHE_DIR"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
  "$LEANCACHE" -C "$P" verify --cache-only --repair >/dev/null 2>&1 || true
  for f in "$dav"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
  delay=$(rel_random 0 "$window")
  "$LEANCACHE" -C "$P" put >"$LC_TMP/put.out" 2>&1 & c=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -0 "$c" 2>/dev/null; then
    rel_kill9_daemon
    killed=$((killed + 1))
    point="killed at $delay ms"
  else
    finished_first=$((finished_first + 1))
    # The command was quicker than this draw: narrow the window so later kills land inside.
    window=$(( delay * 2 / 3 < 20 ? 20 : delay * 2 / 3 ))
    point="finished before $delay ms"
  fi
  set +e; wait "$c"; set -e
  rel_restart_daemon --idle-timeout 0
  bad=""
  rel_verify "$P"
  if [ "$VERIFY_RC" != 0 ]; then
    corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1}))
    bad="verify after the crash: $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
  fi
  set +e; out=$("$LEANCACHE" -C "$P" put 2>&1); rc=$?; set -e
  if [ "$rc" != 0 ]; then
    next_failed=$((next_failed + 1))
    bad="$bad; next put exit $rc: $(tail -5 <<<"$out")"
  fi
  rel_verify "$P"
  if [ "$VERIFY_RC" != 0 ]; then
    corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1}))
    bad="$bad; verify after the next put: $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
  fi
  n=$(ls "$dav" | grep -c '\.ltar$' || true)
  [ "$n" = "$total" ] || bad="$bad; server holds $n of $total archives"
  for f in "$dav"/*.ltar; do
    cmp -s "$f" "$MATHLIB_CACHE_DIR/$(basename "$f")" || { corrupt=$((corrupt + 1)); bad="$bad; uploaded $(basename "$f") differs from CACHEDIR's"; }
  done
  if [ -n "$bad" ]; then
    trials_failed=$((trials_failed + 1))
    echo "trial $t ($point): FAIL $bad" >&2
  else
    echo "trial $t ($point): ok"
  fi
done
nginx_stop
rel_figures crash_put trials="$t" kill_points="$killed" finished_before_kill="$finished_first" \
  failed_trials="$trials_failed" corrupt="$corrupt" next_put_failed="$next_failed"
[ "$trials_failed" = 0 ] || fail "crash_put: $trials_failed of $t trials lost data or failed"
[ "$killed" -ge "$TRIALS" ] || fail "crash_put: only $killed of $TRIALS kills landed inside a put"
echo "crash_put: all $t trials passed ($killed kill points)"
