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
rel_drop_cached "$P"
rel_drop_some "$dav"
t2=$(rel_now_ms)
"$LEANCACHE" -C "$P" put >/dev/null 2>&1 || fail "second put failed"
t3=$(rel_now_ms)
# Three quarters of the measured put, so that kills land inside one even when a put is quick
# (a partial put of the smoke fixture takes ~150 ms on a quiet machine).
rel_crash_init $((t3 - t2))
echo "fixture: $MODULES modules, $total archives; full put ~$((t1 - t0)) ms, partial put ~$((t3 - t2)) ms; kill window 0..$CRASH_WINDOW ms"

while rel_crash_more "$TRIALS"; do
  rel_drop_cached "$P"
  rel_drop_some "$dav"
  rel_crash_run "$LC_TMP/put.out" "$LEANCACHE" -C "$P" put
  rel_crash_verify "$P" "after the crash"
  rel_crash_next "$P" put
  rel_crash_verify "$P" "after the next put"
  n=$(ls "$dav" | grep -c '\.ltar$' || true)
  [ "$n" = "$total" ] || CRASH_BAD="$CRASH_BAD; server holds $n of $total archives"
  for f in "$dav"/*.ltar; do
    cmp -s "$f" "$MATHLIB_CACHE_DIR/$(basename "$f")" ||
      { CRASH_CORRUPT=$((CRASH_CORRUPT + 1)); CRASH_BAD="$CRASH_BAD; uploaded $(basename "$f") differs from CACHEDIR's"; }
  done
  rel_crash_end "$CRASH_POINT"
done
nginx_stop
rel_crash_finish crash_put "$TRIALS" next_command_failed="$CRASH_NEXT_FAILED"
