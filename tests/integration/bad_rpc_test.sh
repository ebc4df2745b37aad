#!/usr/bin/env bash
# Hostile RPCs against one real daemon (run in the foreground so its stderr is kept), driven
# by tests/tools/rpcprobe: a request bigger than the daemon's 16 MiB receive limit, unknown
# enum values and unknown fields, relative / nonexistent / `..` / outside project roots and
# arguments, a client that vanishes in the middle of a `get` stream, and raw garbage (not
# HTTP/2) on the socket. Each must end in a clean error (never INTERNAL/UNKNOWN, never a hang),
# and after each the daemon must still answer Status. At the end the daemon has no active
# requests left, no leaked connections, and stops with exit 0 and no sanitizer report.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/faultserver.sh"
lc_setup
PROBE="${LEANCACHE_RPCPROBE:-$LEANCACHE_BINARY_DIR/tests/tools/rpcprobe/leancache-rpcprobe}"
[ -x "$PROBE" ] || fail "rpcprobe not built: $PROBE"

src="$LC_TMP/src"
lc_fixture "$src" 30 --artifacts
mkdir -p "$(dirname "$LEANCACHE_SOCKET")"
"$LEANCACHED" --foreground --socket "$LEANCACHE_SOCKET" --state-dir "$XDG_STATE_HOME/leancache" \
  --idle-timeout 0 --stall-timeout 60 --log-file "$LC_TMP/daemon.log" 2>"$LC_TMP/daemon.err" &
dpid=$!
for i in $(seq 1 600); do [ -S "$LEANCACHE_SOCKET" ] && break; sleep 0.1; done
[ -S "$LEANCACHE_SOCKET" ] || fail "daemon did not come up: $(cat "$LC_TMP/daemon.err")"
export LEANCACHE_NO_AUTOSTART=1

probe() { "$PROBE" --socket "$LEANCACHE_SOCKET" "$@"; }
# alive CASE: the daemon process is up and answers Status.
alive() {
  kill -0 "$dpid" 2>/dev/null || fail "$1: the daemon died: $(tail -n 40 "$LC_TMP/daemon.err")"
  probe status >/dev/null || fail "$1: the daemon no longer answers Status"
}
# clean CASE ARGS...: the probe reports a clean answer; prints its output.
clean() {
  local what=$1 out rc
  shift
  set +e
  out=$(probe "$@" 2>&1)
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || fail "$what: not a clean answer (rc $rc): $out"
  alive "$what"
  echo "$out"
}
fds() { ls "/proc/$dpid/fd" | wc -l; }
alive "startup"

# 1. Oversized messages: rejected with RESOURCE_EXHAUSTED before any handler runs.
out=$(clean "17 MiB request" bigarg $((17 * 1024 * 1024)))
expect_contains "$out" "grpc=RESOURCE_EXHAUSTED" "17 MiB request"
out=$(clean "64 MiB request" bigarg $((64 * 1024 * 1024)))
expect_contains "$out" "grpc=RESOURCE_EXHAUSTED" "64 MiB request"
pass "oversized requests rejected: $(tail -n 1 <<<"$out")"
# Just under the limit is accepted and handled (the root "/" is no Lake project: clean error).
out=$(clean "15 MiB request" bigarg $((15 * 1024 * 1024)))
grep -q "RESOURCE_EXHAUSTED" <<<"$out" && fail "15 MiB request rejected: $out"
pass "a 15 MiB request is handled"

# 2. Unknown enum values and unknown fields in a FileStatus request, as raw bytes.
out=$(clean "unknown enum values" unknown-enum "$src" "$src/Mathlib.lean")
pass "unknown enum values / unknown fields: $out"
# Not a protobuf at all.
probe raw FileStatus ffffffffffffffffffff0a >/dev/null 2>&1 || true
probe raw Status 0a0b0c >/dev/null 2>&1 || true
alive "undecodable requests"
pass "undecodable requests: daemon up"

# 3. Project roots and arguments outside the project.
for root in "relative/dir" "" "/nonexistent/leancache-$$" "$LC_TMP/src/Mathlib.lean" "/"; do
  out=$(clean "hash in '$root'" command hash hash "$root")
  grep -qE '^done=[1-9]' <<<"$out" || grep -qE 'grpc=(INVALID_ARGUMENT|NOT_FOUND|FAILED_PRECONDITION)' <<<"$out" \
    || fail "hash in '$root' did not fail: $out"
done
pass "bad project roots: clean errors"
out=$(clean "hash in root with .." command hash hash "$src/Mathlib/../.")
grep -qE '^done=0' <<<"$out" || fail "hash in '$src/Mathlib/../.' failed: $out"
mkdir -p "$LC_TMP/outside"
echo keep > "$LC_TMP/outside/keep.ltar"
for word in lookup hash; do
  for arg in "../outside/keep.lean" "../../../../../../etc/passwd" "/etc/passwd" "Mathlib/../../outside" "..\\..\\x"; do
    clean "$word $arg" command "$word" "$word" "$src" "$arg" >/dev/null
  done
done
clean "clean with outside args" command clean clean "$src" "$LC_TMP/outside" "../outside" >/dev/null
[ -f "$LC_TMP/outside/keep.ltar" ] || fail "clean deleted a file outside the project and CACHEDIR"
out=$(clean "filestatus outside" filestatus "$src" "$src" "/etc/passwd" "../outside/keep.lean" "Mathlib/../../x.lean" "")
if grep -q '^grpc=OK' <<<"$out"; then
  n=$(grep -c '|PROBLEM_NOT_IN_PROJECT|' <<<"$out" || true)
  [ "$n" -ge 3 ] || fail "filestatus: paths outside the project not reported as PROBLEM_NOT_IN_PROJECT: $out"
fi
pass "paths outside the project: clean answers, nothing outside touched"

# 4. A client that disconnects in the middle of a get stream: the daemon cancels the job.
lc_mirror_of "$src"
faultserver_start "$mirror" "$LC_TMP/fs" --max-seconds 600 >/dev/null
export MATHLIB_CACHE_GET_URL="$FAULT_URL"
proj="$LC_TMP/proj"
mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj")
export MATHLIB_CACHE_DIR="$LC_TMP/cache-disconnect"
faultserver_set_faults '{"rules":[{"path":"/f/*","fault":"trickle","rate":2000}]}' >/dev/null
for round in 1 2 3; do
  out=$(cd "$proj" && probe disconnect get get "$proj" 2 2>&1) || fail "disconnect probe: $out"
  expect_contains "$out" "disconnecting after 2 events" "disconnect probe"
  for i in $(seq 1 100); do
    act=$(probe status | sed -n 's/.*active=\([0-9]*\).*/\1/p')
    [ "$act" = "0" ] && break
    sleep 0.1
  done
  expect_eq "$act" "0" "active requests 10 s after the client vanished (round $round)"
  alive "disconnect round $round"
done
for i in $(seq 1 100); do
  conns=$(faultserver_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["active_requests"])')
  [ "$conns" = "0" ] && break
  sleep 0.1
done
expect_eq "$conns" "0" "downloads still running after the client vanished"
ls "$MATHLIB_CACHE_DIR" 2>/dev/null | grep -q '\.part$' && fail "a .part file was left behind by the cancelled get"
faultserver_reset >/dev/null
out=$("$LEANCACHE" -C "$proj" get 2>&1) || fail "get after the disconnects failed: $out"
pass "3 mid-stream disconnects of get: job cancelled, downloads stopped, the next get completes"
sleep 1
fds_before=$(fds)  # after the gets: the transport's keep-alive connections are open by now

# 5. Garbage on the socket instead of HTTP/2.
for kind in random http1 preface badframe idle; do
  out=$(clean "garbage $kind" garbage "$kind")
  pass "$out"
done
pids=()
for i in $(seq 1 40); do probe garbage random >/dev/null 2>&1 & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || true; done
alive "40 parallel garbage connections"
pass "40 parallel garbage connections: daemon up"

# The daemon is idle again and holds no connection it should have dropped.
sleep 1
act=$(probe status | sed -n 's/.*active=\([0-9]*\).*/\1/p')
expect_eq "$act" "0" "active requests at the end"
fds_after=$(fds)
[ "$fds_after" -le $((fds_before + 3)) ] || fail "file descriptors grew from $fds_before to $fds_after"
pass "no leaked connections (fds $fds_before -> $fds_after)"

lc_stop_foreground "$dpid" "$LC_TMP/daemon.err"
pass "daemon stopped cleanly"
echo "bad_rpc: all checks passed"
