#!/usr/bin/env bash
# `leancache get` against a loopback fault server: 500-then-200 is retried, a truncated or reset
# body and a stalled server fail cleanly (exit 1, nothing renamed into place), a corrupt archive
# is rejected and not kept; two clients getting at once download each archive once; kill -9 of
# the daemon mid-get leaves nothing corrupt and the next get completes.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/faultserver.sh"
lc_setup
src="$LC_TMP/src"
lc_fixture "$src" 40 --artifacts
lc_start_daemon --idle-timeout 0 --stall-timeout 2 --max-attempts 3
lc_mirror_of "$src"
faultserver_start "$mirror" "$LC_TMP/fs" --max-seconds 600 >/dev/null
export MATHLIB_CACHE_GET_URL="$FAULT_URL"
pass "fault server with $n archives at $FAULT_URL"

new_project() {
  rm -rf "$1"; mkdir -p "$1"
  (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1")
}
fresh() {  # fresh NAME: new CACHEDIR and project for one case
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-$1"
  P="$LC_TMP/proj-$1"
  new_project "$P"
  faultserver_reset >/dev/null
}
hits() { faultserver_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"].get(sys.argv[1], 0))' "$1"; }
run_get() {  # run_get ARGS...: sets RC, OUT (stdout+stderr)
  set +e
  OUT=$("$LEANCACHE" -C "$P" "$@" 2>&1)
  RC=$?
  set -e
}
victim=$(grep -P '^Mathlib\.' "$LC_TMP/keys" | sed -n 5p | cut -f2)
vpath="/f/$victim.ltar"
no_trace_of_victim() {
  [ ! -e "$MATHLIB_CACHE_DIR/$victim.ltar" ] || fail "$1: the failed archive was kept in CACHEDIR"
  ! ls "$MATHLIB_CACHE_DIR" | grep -q '\.part$' || fail "$1: a .part file was left behind"
}

fresh retry
faultserver_set_faults "{\"rules\":[{\"path\":\"$vpath\",\"fault\":\"status\",\"status\":500,\"times\":2}]}" >/dev/null
run_get get
expect_eq "$RC" "0" "500-then-200 exit code ($OUT)"
expect_eq "$(hits "$vpath")" "3" "attempts for 500,500,200"
[ -s "$MATHLIB_CACHE_DIR/$victim.ltar" ] || fail "retried archive missing"
pass "500 then 200: retried and delivered"

for fault in truncate reset; do
  fresh "$fault"
  faultserver_set_faults "{\"rules\":[{\"path\":\"$vpath\",\"fault\":\"$fault\",\"bytes\":50}]}" >/dev/null
  run_get get
  expect_eq "$RC" "1" "$fault exit code"
  expect_contains "$OUT" "1 download(s) failed" "$fault message"
  no_trace_of_victim "$fault"
  [ "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" -eq $((n - 1)) ] || fail "$fault: other archives missing"
  pass "$fault body: rejected after $(hits "$vpath") attempts, nothing kept ($(grep -m1 "$victim" <<<"$OUT" | cut -c1-120))"
done

fresh stall
faultserver_set_faults "{\"rules\":[{\"path\":\"$vpath\",\"fault\":\"stall\",\"bytes\":10}]}" >/dev/null
t0=$(date +%s)
run_get get
t1=$(date +%s)
expect_eq "$RC" "1" "stall exit code"
grep -qi "timeout\|timed out\|too slow" <<<"$OUT" || fail "stall: no timeout in the message: $OUT"
[ $((t1 - t0)) -lt 60 ] || fail "stall took $((t1 - t0)) s"
no_trace_of_victim stall
pass "stalled server: clear timeout error after $((t1 - t0)) s"

fresh corrupt
faultserver_set_faults "{\"rules\":[{\"path\":\"$vpath\",\"fault\":\"corrupt\"}]}" >/dev/null
run_get get
expect_eq "$RC" "1" "corrupt exit code ($OUT)"
no_trace_of_victim corrupt
module=$(grep -P "\t$victim\$" "$LC_TMP/keys" | cut -f1)
[ ! -e "$P/.lake/build/lib/lean/$(tr . / <<<"$module").olean" ] || fail "corrupt archive was unpacked"
pass "corrupt archive rejected, not kept, not unpacked"

# Two clients at once on the same project: each archive fetched once, both succeed.
fresh twice
faultserver_set_faults '{"rules":[{"path":"*","fault":"delay","ms":50}]}' >/dev/null
"$LEANCACHE" -C "$P" get >"$LC_TMP/a.out" 2>&1 & a=$!
"$LEANCACHE" -C "$P" get >"$LC_TMP/b.out" 2>&1 & b=$!
wait $a || fail "first concurrent get failed: $(cat "$LC_TMP/a.out")"
wait $b || fail "second concurrent get failed: $(cat "$LC_TMP/b.out")"
max=$(faultserver_stats | python3 -c 'import json,sys; print(max(json.load(sys.stdin)["hits"].values()))')
expect_eq "$max" "1" "downloads per archive with two concurrent gets"
[ "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" -eq "$n" ] || fail "concurrent gets: archives missing"
pass "two concurrent gets: both succeeded, every archive downloaded once"

# kill -9 of the daemon in the middle of a get, then get again.
fresh crash
faultserver_set_faults '{"rules":[{"path":"*","fault":"trickle","rate":20000}]}' >/dev/null
"$LEANCACHE" -C "$P" get >/dev/null 2>&1 & c=$!
sleep 1.5
kill -9 "$(lc_daemon_pid)"
wait $c && fail "client reported success although its daemon was killed" || true
faultserver_reset >/dev/null
for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
  [ -e "$f" ] || continue
  "$LTAR" -k "$f" >/dev/null || fail "corrupt archive after kill -9: $f"
done
run_get get   # autostarts a new daemon
expect_eq "$RC" "0" "get after kill -9 ($OUT)"
[ "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" -eq "$n" ] || fail "archives missing after recovery"
for f in "$MATHLIB_CACHE_DIR"/*.ltar; do
  cmp -s "$f" "$mirror/f/$(basename "$f")" || fail "archive differs from the mirror after recovery: $f"
done
pass "kill -9 mid-get: nothing corrupt, next get completed"
# Ctrl-C in the client cancels the request in the daemon: transfers stop, temp files go away,
# the daemon keeps serving, and the next get completes. Progress is printed meanwhile.
fresh cancel
faultserver_set_faults '{"rules":[{"path":"*","fault":"trickle","rate":20000}]}' >/dev/null
"$LEANCACHE" -C "$P" get >"$LC_TMP/cancel.out" 2>"$LC_TMP/cancel.err" & c=$!
sleep 2.5
kill -INT "$c"
set +e
wait "$c"
rc=$?
set -e
expect_eq "$rc" "130" "client exit code after Ctrl-C"
grep -q "cancelled" "$LC_TMP/cancel.err" || fail "no cancellation message: $(cat "$LC_TMP/cancel.err")"
grep -qE '^download: [0-9]+/[0-9]+ files' "$LC_TMP/cancel.err" || fail "no progress lines on a non-terminal: $(head -3 "$LC_TMP/cancel.err")"
for i in $(seq 1 50); do ls "$MATHLIB_CACHE_DIR" | grep -q '\.part$' || break; sleep 0.1; done
! ls "$MATHLIB_CACHE_DIR" | grep -q '\.part$' || fail "temp files left after cancel"
"$LEANCACHE" daemon status >/dev/null || fail "daemon died on cancel"
faultserver_reset >/dev/null
run_get get
expect_eq "$RC" "0" "get after a cancelled get ($OUT)"
pass "Ctrl-C cancels cleanly (exit 130), progress lines shown, next get completes"

faultserver_stop
echo "get_faults: all checks passed"
