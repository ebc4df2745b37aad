#!/usr/bin/env bash
# crash_get.sh [TRIALS]: kill -9 the daemon at random points of `leancache get`, restart it,
# and check that nothing is corrupt and the next get completes.
#
# Setup: a generated workspace with build outputs in two versions, A and B (B changes one much
# imported file, so a part of the modules get new keys AND new build outputs with another
# depHash). Both versions' archives are served by nginx. Each trial switches the project to the
# other version (so `get` must unpack the changed modules over the old outputs), deletes ~30% of
# the archives from CACHEDIR (so it must download too), starts `get`, and kills the daemon with
# SIGKILL after a random delay within the measured length of a get. Then, with a new daemon:
#   1. `verify` (archives + unpacked artifacts against their archives) must find nothing;
#   2. `get` must exit 0;
#   3. `verify` must find nothing and every module of the project must be checked (unpacked);
#   4. every archive in CACHEDIR must be byte-identical to the served one.
# TRIALS is the number of kills that must land inside a get (trials where the get finished
# before the kill are repeated, up to 3 x TRIALS + 5, each narrowing the window). Default 60 (RELIABILITY_MODE=ci: 4); env CRASH_GET_MODULES (default 120).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${CRASH_GET_TRIALS:-}}" 60 4)
MODULES=${CRASH_GET_MODULES:-120}
lc_setup
src="$LC_TMP/src"
lc_fixture "$src" "$MODULES" --artifacts
lc_start_daemon --idle-timeout 0
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keysA"

# Version B: one comment added to the most imported Mathlib module of the fixture.
changed_module=$(cd "$src" && grep -rhoE '^import Mathlib\.[A-Za-z0-9_.]+' --include='*.lean' . |
  awk '{print $2}' | sort | uniq -c | sort -rn | awk '{print $2}' |
  while read -r m; do [ -f "$src/$(tr . / <<<"$m").lean" ] && { echo "$m"; break; }; done)
[ -n "$changed_module" ] || fail "no imported Mathlib module in the fixture"
changed_file="$(tr . / <<<"$changed_module").lean"
srcB="$LC_TMP/srcB"
cp -a "$src" "$srcB"
printf '\n-- version B\n' >>"$srcB/$changed_file"
"$LEANCACHE" -C "$srcB" hash >"$LC_TMP/keysB"
join -t $'\t' <(sort "$LC_TMP/keysA") <(sort "$LC_TMP/keysB") | awk -F'\t' '$2 != $3 {print $1 "\t" $3}' >"$LC_TMP/keysB.changed"
n_changed=$(wc -l <"$LC_TMP/keysB.changed")
[ "$n_changed" -gt 0 ] || fail "changing $changed_file changed no key"
# New build outputs for the changed modules: another depHash in the trace, other .ilean/.olean bytes.
while IFS=$'\t' read -r mod key; do
  base="$srcB/.lake/build/lib/lean/$(tr . / <<<"$mod")"
  [ -f "$base.trace" ] || continue
  python3 - "$base" "$key" <<'PY'
import re, sys
base, key = sys.argv[1], sys.argv[2]
t = open(base + ".trace").read()
t = re.sub(r'"depHash":"[0-9a-f]{16}"', '"depHash":"%s"' % key[::-1], t)
open(base + ".trace", "w").write(t)
with open(base + ".ilean", "a") as f: f.write(" ")
with open(base + ".olean", "ab") as f: f.write(b"version B")
PY
done <"$LC_TMP/keysB.changed"
mirror="$LC_TMP/mirror"
nA=$(rel_mirror "$src" "$LC_TMP/keysA" "$mirror")
nB=$(rel_mirror "$srcB" "$LC_TMP/keysB.changed" "$mirror")
nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_GET_URL="$NGINX_URL"
echo "fixture: $MODULES modules, $nA archives (A) + $nB (B, changed by $changed_file), served by nginx"

P="$LC_TMP/proj"
rel_copy_sources "$src" "$P"
use_version() { cp "$([ "$1" = B ] && echo "$srcB" || echo "$src")/$changed_file" "$P/$changed_file"; }

# Calibration: a get from scratch (A), then one trial without a kill (switch to B, ~30% of the
# archives deleted) gives the kill window.
drop_some_archives() {
  for f in "$MATHLIB_CACHE_DIR"/*.ltar; do [ "$(rel_random 1 10)" -le 3 ] && rm -f "$f"; done
  "$LEANCACHE" -C "$P" verify --cache-only --repair >/dev/null 2>&1 || true   # forget the deleted files
}
t0=$(rel_now_ms); "$LEANCACHE" -C "$P" get >/dev/null 2>&1 || fail "clean get (A) failed"; t1=$(rel_now_ms)
use_version B
drop_some_archives
t2=$(rel_now_ms); "$LEANCACHE" -C "$P" get >/dev/null 2>&1 || fail "clean get (B) failed"; t3=$(rel_now_ms)
rel_verify "$P"
[ "$VERIFY_RC" = 0 ] || fail "verify after a get without any kill: $VERIFY_JSON $VERIFY_OUT"
window=$(( (t3 - t2) * 3 / 4 ))  # inside a get even when it is quick (see crash_put.sh)
window=$(( window < 20 ? 20 : window ))
echo "a full get takes ~$((t1 - t0)) ms, a trial's get ~$((t3 - t2)) ms; kill window 0..$window ms"

killed=0 finished_first=0 corrupt=0 next_failed=0 trials_failed=0 temp_left=0
version=B
t=0
while [ "$killed" -lt "$TRIALS" ] && [ "$t" -lt $((TRIALS * 3 + 5)) ]; do
  t=$((t + 1))
  version=$([ "$version" = A ] && echo B || echo A)
  use_version "$version"
  drop_some_archives
  delay=$(rel_random 0 "$window")
  "$LEANCACHE" -C "$P" get >"$LC_TMP/get.out" 2>&1 & c=$!
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
    bad="verify after the crash found $VERIFY_PROBLEMS problem(s): $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
  fi
  set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
  if [ "$rc" != 0 ]; then
    next_failed=$((next_failed + 1))
    bad="$bad; next get exit $rc: $(tail -5 <<<"$out")"
  fi
  rel_verify "$P"
  if [ "$VERIFY_RC" != 0 ]; then
    corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1}))
    bad="$bad; verify after the next get: $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
  else
    unchecked=$(rel_json_field "$VERIFY_JSON" 'd["project"]["modules"] - d["project"]["modules_checked"]')
    [ "$unchecked" = 0 ] || bad="$bad; $unchecked module(s) not unpacked after the next get"
  fi
  for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
    cmp -s "$f" "$mirror/f/$(basename "$f")" || { corrupt=$((corrupt + 1)); bad="$bad; $(basename "$f") differs from the server's"; }
  done
  temp_left=$(find "$P/.lake" -name '.tmp*' 2>/dev/null | wc -l)   # unpack temp files of killed daemons (so far)
  if [ -n "$bad" ]; then
    trials_failed=$((trials_failed + 1))
    echo "trial $t ($version, $point): FAIL $bad" >&2
  else
    echo "trial $t ($version, $point): ok"
  fi
done
nginx_stop
rel_figures crash_get trials="$t" kill_points="$killed" finished_before_kill="$finished_first" \
  failed_trials="$trials_failed" corrupt="$corrupt" next_get_failed="$next_failed" \
  project_temp_files_left="$temp_left"
[ "$trials_failed" = 0 ] || fail "crash_get: $trials_failed of $t trials lost data or failed"
[ "$killed" -ge "$TRIALS" ] || fail "crash_get: only $killed of $TRIALS kills landed inside a get"
echo "crash_get: all $t trials passed ($killed kill points)"
