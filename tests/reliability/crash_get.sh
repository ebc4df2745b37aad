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
#   4. every archive in CACHEDIR must be byte-identical to the served one;
#   5. no unpack temporary (".lctmp.*") of the killed daemon may be left in the project.
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
nA=$(lc_mirror "$src" "$LC_TMP/keysA" "$mirror")
nB=$(lc_mirror "$srcB" "$LC_TMP/keysB.changed" "$mirror")
nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_GET_URL="$NGINX_URL"
echo "fixture: $MODULES modules, $nA archives (A) + $nB (B, changed by $changed_file), served by nginx"

P="$LC_TMP/proj"
rel_copy_sources "$src" "$P"
use_version() { cp "$([ "$1" = B ] && echo "$srcB" || echo "$src")/$changed_file" "$P/$changed_file"; }

# Calibration: a get from scratch (A), then one trial without a kill (switch to B, ~30% of the
# archives deleted) gives the kill window.
t0=$(rel_now_ms); "$LEANCACHE" -C "$P" get >/dev/null 2>&1 || fail "clean get (A) failed"; t1=$(rel_now_ms)
use_version B
rel_drop_cached "$P"
t2=$(rel_now_ms); "$LEANCACHE" -C "$P" get >/dev/null 2>&1 || fail "clean get (B) failed"; t3=$(rel_now_ms)
rel_verify "$P"
[ "$VERIFY_RC" = 0 ] || fail "verify after a get without any kill: $VERIFY_JSON $VERIFY_OUT"
rel_crash_init $((t3 - t2))
echo "a full get takes ~$((t1 - t0)) ms, a trial's get ~$((t3 - t2)) ms; kill window 0..$CRASH_WINDOW ms"

temp_left=0
version=B
while rel_crash_more "$TRIALS"; do
  version=$([ "$version" = A ] && echo B || echo A)
  use_version "$version"
  rel_drop_cached "$P"
  rel_crash_run "$LC_TMP/get.out" "$LEANCACHE" -C "$P" get
  rel_crash_verify "$P" "after the crash"
  rel_crash_next "$P" get
  rel_crash_verify "$P" "after the next get"
  if [ "$VERIFY_RC" = 0 ]; then
    unchecked=$(rel_json_field "$VERIFY_JSON" 'd["project"]["modules"] - d["project"]["modules_checked"]')
    [ "$unchecked" = 0 ] || CRASH_BAD="$CRASH_BAD; $unchecked module(s) not unpacked after the next get"
  fi
  for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
    cmp -s "$f" "$mirror/f/$(basename "$f")" ||
      { CRASH_CORRUPT=$((CRASH_CORRUPT + 1)); CRASH_BAD="$CRASH_BAD; $(basename "$f") differs from the server's"; }
  done
  # Unpack temporaries of the killed daemon: the next get sweeps the directories it unpacks into.
  temps=$(find "$P/.lake" -name '.lctmp.*' 2>/dev/null | wc -l)
  temp_left=$((temp_left + temps))
  [ "$temps" = 0 ] || CRASH_BAD="$CRASH_BAD; $temps unpack temporary file(s) left after the next get"
  rel_crash_end "$version, $CRASH_POINT"
done
nginx_stop
rel_crash_finish crash_get "$TRIALS" next_command_failed="$CRASH_NEXT_FAILED" project_temp_files_left="$temp_left"
