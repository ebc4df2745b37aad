#!/usr/bin/env bash
# index_damage.sh [TRIALS]: delete or damage the daemon's LMDB index between runs, in rotation:
#   delete     data.mdb and lock.mdb removed
#   truncate   data.mdb cut to a random length
#   zero       the first pages (meta pages) zeroed
#   garbage    data.mdb replaced by random bytes of the same size
#   scribble   8 random 4 KiB pages overwritten with random bytes
# (the daemon is stopped with SIGKILL or gracefully, alternately, before the damage). Then:
#   1. the daemon starts (no crash loop) and, for damage, logs a warning that it rebuilt the index;
#   2. `verify` finds nothing wrong and the rebuilt index records every archive of CACHEDIR
#      (re-indexed from the blob directory, not downloaded again);
#   3. `get` completes without downloading anything; `verify` finds every module intact.
# Default 30 trials (RELIABILITY_MODE=ci: 5, one per kind).
source "$(dirname "$0")/lib.sh"
TRIALS=$(rel_trials "${1:-${INDEX_DAMAGE_TRIALS:-}}" 30 5)
MODULES=${INDEX_DAMAGE_MODULES:-60}
lc_setup
lc_mirrored_fixture "$MODULES"
P="$LC_TMP/proj"
rel_copy_sources "$src" "$P"
"$LEANCACHE" -C "$P" get >/dev/null 2>&1 || fail "initial get failed"
idx="$XDG_STATE_HOME/leancache/index"
log="$XDG_STATE_HOME/leancache/leancached.log"
[ -f "$idx/data.mdb" ] || fail "no index at $idx"
echo "fixture: $MODULES modules, $n archives; index at $idx"

kinds=(delete truncate zero garbage scribble)
failed=0 warned=0 rescanned=0 rebuilt_ok=0 redownloads=0 corrupt=0 undetected=0
for t in $(seq 1 "$TRIALS"); do
  kind=${kinds[$(( (t - 1) % ${#kinds[@]} ))]}
  if [ $((t % 2)) = 0 ]; then "$LEANCACHE" daemon stop >/dev/null; else rel_kill9_daemon; fi
  size=$(stat -c %s "$idx/data.mdb")
  case "$kind" in
    delete) rm -f "$idx/data.mdb" "$idx/lock.mdb" ;;
    truncate) truncate -s "$(rel_random 1 $((size - 1)))" "$idx/data.mdb" ;;
    zero) dd if=/dev/zero of="$idx/data.mdb" bs=4096 count=2 conv=notrunc status=none ;;
    garbage) head -c "$size" /dev/urandom >"$idx/data.mdb" ;;
    scribble)
      pages=$(( size / 4096 ))
      for i in 1 2 3 4 5 6 7 8; do
        dd if=/dev/urandom of="$idx/data.mdb" bs=4096 count=1 seek="$(rel_random 0 $((pages - 1)))" conv=notrunc status=none
      done ;;
  esac
  : >"$log"
  bad=""
  lc_start_daemon --idle-timeout 0 || { bad="daemon did not start after '$kind'"; }
  if [ -z "$bad" ]; then
    rel_verify "$P"
    if [ "$VERIFY_RC" != 0 ]; then
      corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="verify: $(head -c 600 <<<"$VERIFY_JSON$VERIFY_OUT")"
    else
      rec=$(rel_json_field "$VERIFY_JSON" 'd["archives"]["recorded"] + d["archives"]["unrecorded_indexed"]')
      [ "$rec" = "$n" ] || bad="index records $rec of $n archives after the rebuild"
    fi
    if grep -q "index at .* is unusable" "$log"; then
      warned=$((warned + 1))
    elif [ "$kind" != delete ]; then
      undetected=$((undetected + 1))
    fi
    grep -q "indexed cache directory" "$log" && rescanned=$((rescanned + 1))
    set +e; out=$("$LEANCACHE" -C "$P" get 2>&1); rc=$?; set -e
    [ "$rc" = 0 ] || bad="$bad; get exit $rc: $(tail -3 <<<"$out")"
    grep -q "No files to download" <<<"$out" || { redownloads=$((redownloads + 1)); bad="$bad; get downloaded again: $(head -3 <<<"$out")"; }
    rel_verify "$P"
    if [ "$VERIFY_RC" != 0 ]; then
      corrupt=$((corrupt + ${VERIFY_PROBLEMS/\?/1})); bad="$bad; verify after get: $(head -c 400 <<<"$VERIFY_JSON")"
    else
      u=$(rel_json_field "$VERIFY_JSON" 'd["project"]["modules"] - d["project"]["modules_checked"]')
      [ "$u" = 0 ] || bad="$bad; $u module(s) not unpacked"
    fi
  fi
  if [ -n "$bad" ]; then
    failed=$((failed + 1)); echo "trial $t ($kind): FAIL $bad" >&2
  else
    rebuilt_ok=$((rebuilt_ok + 1))
    echo "trial $t ($kind): ok$(grep -m1 -o 'is unusable (.*' "$log" | sed 's/^/ — /' | cut -c1-160)"
  fi
done
nginx_stop
rel_figures index_damage trials="$TRIALS" recovered="$rebuilt_ok" warned_and_rebuilt="$warned" rescanned_blob_dir="$rescanned" \
  damage_undetected_but_harmless="$undetected" redownloads="$redownloads" corrupt="$corrupt" failed_trials="$failed"
[ "$failed" = 0 ] || fail "index_damage: $failed of $TRIALS trials failed"
echo "index_damage: all $TRIALS trials passed"
