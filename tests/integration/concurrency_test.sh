#!/usr/bin/env bash
# 64 concurrent clients against ONE running daemon: 22 `hash`, 21 `get` (all on the same
# project and CACHEDIR, from a loopback mirror) and 21 `daemon status`, started at once.
# Every client must succeed, the hash outputs must be identical (and equal to a hash taken
# before the storm), every status must name the same daemon, each archive is downloaded at
# most once, a final `get` finds everything in place, and the daemon (run in the foreground
# so its stderr is kept) must stop cleanly with exit 0 and no sanitizer report. Runs under
# the normal, asan and tsan builds alike.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/faultserver.sh"
lc_setup
CLIENTS_HASH=22 CLIENTS_GET=21 CLIENTS_STATUS=21

src="$LC_TMP/src"
lc_fixture "$src" 40 --artifacts
mkdir -p "$(dirname "$LEANCACHE_SOCKET")"
"$LEANCACHED" --foreground --socket "$LEANCACHE_SOCKET" --state-dir "$XDG_STATE_HOME/leancache" \
  --idle-timeout 0 --log-file "$LC_TMP/daemon.log" 2>"$LC_TMP/daemon.err" &
dpid=$!
for i in $(seq 1 600); do [ -S "$LEANCACHE_SOCKET" ] && break; sleep 0.1; done
[ -S "$LEANCACHE_SOCKET" ] || fail "daemon did not come up: $(cat "$LC_TMP/daemon.err")"
export LEANCACHE_NO_AUTOSTART=1   # a client must never start a second daemon here

lc_mirror_of "$src"
faultserver_start "$mirror" "$LC_TMP/fs" --max-seconds 900 >/dev/null
export MATHLIB_CACHE_GET_URL="$FAULT_URL"
proj="$LC_TMP/proj"
mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj")
pass "daemon $dpid, fixture with $n archives on $FAULT_URL"

start=$(date +%s.%N)
pids=()
for i in $(seq 1 $CLIENTS_HASH); do
  "$LEANCACHE" -C "$proj" hash >"$LC_TMP/hash.$i" 2>"$LC_TMP/hash.err.$i" & pids+=($!)
done
for i in $(seq 1 $CLIENTS_GET); do
  "$LEANCACHE" -C "$proj" get >"$LC_TMP/get.$i" 2>&1 & pids+=($!)
done
for i in $(seq 1 $CLIENTS_STATUS); do
  "$LEANCACHE" --json daemon status >"$LC_TMP/status.$i" 2>"$LC_TMP/status.err.$i" & pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
if [ "$failed" -ne 0 ]; then
  for f in "$LC_TMP"/hash.err.* "$LC_TMP"/get.* "$LC_TMP"/status.err.*; do
    [ -s "$f" ] && { echo "--- $f"; tail -n 5 "$f"; }
  done | head -n 60
  fail "$failed of 64 concurrent clients failed"
fi
kill -0 "$dpid" 2>/dev/null || fail "daemon died during the storm: $(tail -n 30 "$LC_TMP/daemon.err")"

for i in $(seq 1 $CLIENTS_HASH); do
  cmp -s "$LC_TMP/keys" "$LC_TMP/hash.$i" || fail "hash client $i printed different keys"
  [ ! -s "$LC_TMP/hash.err.$i" ] || fail "hash client $i wrote to stderr: $(head -3 "$LC_TMP/hash.err.$i")"
done
for i in $(seq 1 $CLIENTS_STATUS); do
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$LC_TMP/status.$i")
  expect_eq "$got" "$dpid" "status client $i daemon pid"
done
for i in $(seq 1 $CLIENTS_GET); do
  if grep -qE 'uncaught exception|cancelled|not found in the cache|^error' "$LC_TMP/get.$i"; then
    fail "get client $i reported a problem: $(cat "$LC_TMP/get.$i")"
  fi
done
for k in $(cut -f2 "$LC_TMP/keys"); do
  [ -f "$MATHLIB_CACHE_DIR/$k.ltar" ] || [ ! -f "$mirror/f/$k.ltar" ] || fail "archive $k.ltar missing from CACHEDIR after the storm"
done
daemons=$(pgrep -f -- "leancached --foreground --socket $LEANCACHE_SOCKET" | wc -l)
expect_eq "$daemons" "1" "daemons running"
# Single flight: no archive fetched twice although 21 clients wanted each of them.
dup=$(faultserver_stats | python3 -c 'import json,sys; h=json.load(sys.stdin)["hits"]; print(sum(1 for v in h.values() if v > 1))')
expect_eq "$dup" "0" "archives downloaded more than once"
pass "64 concurrent clients (hash $CLIENTS_HASH, get $CLIENTS_GET, status $CLIENTS_STATUS) in ${secs}s: identical results, one daemon"

# Everything is in place: a last get downloads nothing and the hashes are unchanged.
faultserver_reset >/dev/null
"$LEANCACHE" -C "$proj" get >"$LC_TMP/get.final" 2>&1 || fail "final get failed: $(cat "$LC_TMP/get.final")"
reqs=$(faultserver_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
expect_eq "$reqs" "0" "downloads by the final get"
"$LEANCACHE" -C "$proj" hash | cmp -s - "$LC_TMP/keys" || fail "keys changed after the storm"
pass "final get found every file in place"

lc_stop_foreground "$dpid" "$LC_TMP/daemon.err"
pass "daemon stopped cleanly"
echo "concurrency: all checks passed"
