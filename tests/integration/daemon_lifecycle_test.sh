#!/usr/bin/env bash
# Daemon lifecycle against the real binaries: private socket, single instance, status, stop,
# autostart under a race of 32 clients, LEANCACHE_NO_AUTOSTART, idle timeout, SIGTERM.
source "$(dirname "$0")/lib/daemon.sh"
lc_setup

lc_start_daemon --idle-timeout 0
pid=$(lc_daemon_pid)
[ -n "$pid" ] && kill -0 "$pid" || fail "daemon not running after start"
expect_eq "$(stat -c %a "$(dirname "$LEANCACHE_SOCKET")")" "700" "socket directory mode"
expect_eq "$(stat -c %a "$LEANCACHE_SOCKET")" "600" "socket mode"
pass "daemon started with a private socket"

set +e
out=$("$LEANCACHED" --socket "$LEANCACHE_SOCKET" --state-dir "$XDG_STATE_HOME/leancache" 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "second daemon exit code"
expect_contains "$out" "another leancached is already running on $LEANCACHE_SOCKET (pid $pid)" "second daemon message"
kill -0 "$pid" || fail "first daemon died when a second one was started"
pass "second daemon refused: $out"

status=$("$LEANCACHE" daemon status)
expect_contains "$status" "pid:       $pid" "status pid"
expect_contains "$status" "socket:    $LEANCACHE_SOCKET" "status socket"
expect_contains "$status" "cache dir: $MATHLIB_CACHE_DIR" "status cache dir"
json=$("$LEANCACHE" --json daemon status)
expect_eq "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' <<<"$json")" "$pid" "json pid"
"$LEANCACHE" --version | grep -qE '^leancache [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
pass "status and version"

"$LEANCACHE" daemon stop | grep -q "leancached stopped" || fail "stop message"
[ ! -e "$LEANCACHE_SOCKET" ] || fail "socket still present after stop"
sleep 0.2
lc_proc_ended "$pid" || fail "daemon still running after stop"
pass "daemon stop"

set +e
out=$(LEANCACHE_NO_AUTOSTART=1 "$LEANCACHE" -C "$LC_TMP" hash 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "no-autostart exit code"
expect_contains "$out" "leancached is not running on $LEANCACHE_SOCKET" "no-autostart message"
[ ! -e "$LEANCACHE_SOCKET" ] || fail "LEANCACHE_NO_AUTOSTART=1 started a daemon"
pass "LEANCACHE_NO_AUTOSTART=1"

# 32 clients at once against no daemon: exactly one daemon, every client succeeds.
proj="$LC_TMP/proj"
lc_fixture "$proj" 40
pids=()
for i in $(seq 1 32); do
  "$LEANCACHE" -C "$proj" hash >"$LC_TMP/out.$i" 2>"$LC_TMP/err.$i" &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
expect_eq "$failed" "0" "clients failing in the autostart race ($(cat "$LC_TMP"/err.* | sort | uniq -c | head -3))"
daemons=$(pgrep -f -- "leancached --socket $LEANCACHE_SOCKET" | wc -l)
expect_eq "$daemons" "1" "daemons after the autostart race"
for i in $(seq 2 32); do
  cmp -s "$LC_TMP/out.1" "$LC_TMP/out.$i" || fail "client $i printed different keys"
done
[ -s "$LC_TMP/out.1" ] || fail "no keys printed"
pass "32 concurrent clients: one daemon, all succeeded"
"$LEANCACHE" daemon stop >/dev/null

# Idle timeout.
lc_start_daemon --idle-timeout 2s
pid=$(lc_daemon_pid)
for i in $(seq 1 100); do lc_proc_ended "$pid" && break; sleep 0.1; done
lc_proc_ended "$pid" || fail "daemon did not exit after the idle timeout"
[ ! -e "$LEANCACHE_SOCKET" ] || fail "socket left behind after idle exit"
pass "idle timeout"

# SIGTERM: graceful.
lc_start_daemon --idle-timeout 0
pid=$(lc_daemon_pid)
kill -TERM "$pid"
for i in $(seq 1 100); do lc_proc_ended "$pid" && break; sleep 0.05; done
lc_proc_ended "$pid" || fail "daemon ignored SIGTERM"
[ ! -e "$LEANCACHE_SOCKET" ] || fail "socket left behind after SIGTERM"
grep -q "shutting down" "$XDG_STATE_HOME/leancache/leancached.log" || fail "no shutdown line in the log"
pass "SIGTERM"
echo "daemon_lifecycle: all checks passed"
