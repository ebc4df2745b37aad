#!/usr/bin/env bash
# A server that refuses uploads part-way through a `put` leaves no partial state: the put exits
# 1 naming the failures, every object the server did accept is complete and byte-identical to
# its local archive, CACHEDIR holds only whole archives (no temp files), and once the server
# accepts again a second put uploads exactly the rest. Also a connection reset in the middle of
# an upload: retried, and the object on the server is complete.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/faultserver.sh"
lc_setup
src="$LC_TMP/src"
lc_fixture "$src" 50 --artifacts
(cd "$src" && git init -q && git add -A >/dev/null && git -c user.email=t@t -c user.name=t commit -qm fixture)
lc_start_daemon --idle-timeout 0 --max-attempts 3
mkdir -p "$LC_TMP/server"
faultserver_start "$LC_TMP/server" "$LC_TMP/fs" --max-seconds 600 >/dev/null
export MATHLIB_CACHE_DIR="$LC_TMP/cache" MATHLIB_CACHE_PUT_URL="$FAULT_URL"

# Accept 12 uploads, then refuse everything with 403 (not retryable).
faultserver_set_faults '{"rules": [{"method": "PUT", "fault": "delay", "ms": 0, "times": 12},
                                   {"method": "PUT", "fault": "status", "status": 403}]}'
set +e
out=$("$LEANCACHE" -C "$src" --json put 2>"$LC_TMP/put1.err")
rc=$?
set -e
expect_eq "$rc" "1" "put against a server that starts refusing"
grep -q "403" "$LC_TMP/put1.err" || fail "no 403 in the error output: $(head -5 "$LC_TMP/put1.err")"
total=$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)
[ "$total" -gt 40 ] || fail "only $total archives packed"
stored=$(find "$LC_TMP/server" -name '*.ltar' | wc -l)
expect_eq "$stored" "12" "objects stored before the refusals"
for f in $(find "$LC_TMP/server" -name '*.ltar'); do
  cmp -s "$f" "$MATHLIB_CACHE_DIR/$(basename "$f")" || fail "partial or different object on the server: $f"
done
leftovers=$(find "$MATHLIB_CACHE_DIR" -type f ! -name '*.ltar' | wc -l)
expect_eq "$leftovers" "0" "temp files left in CACHEDIR"
pass "server refusing after 12 uploads: exit 1, 403 reported, 12 complete objects, CACHEDIR intact"
# stats: the put is recorded (its last run and the lifetime) with these exact counts.
put_stats() {
  "$LEANCACHE" --json stats | python3 -c '
import json, sys
s = json.load(sys.stdin)["last"]["put"]
want = dict(zip(["uploaded", "already_on_server", "upload_failed"], map(int, sys.argv[1:4])))
got = {k: s[k] for k in want}
assert got == want and s["command"] == "put" and s["runs"] == 1, (got, want, s)
assert (s["bytes_uploaded"] > 0) == (want["uploaded"] > 0), s' "$@"
}
put_stats 12 0 $((total - 12)) || fail "stats of the refused put"

# The server recovers, but resets the connection in the middle of the first two uploads.
faultserver_reset
faultserver_set_faults '{"rules": [{"method": "PUT", "fault": "reset", "bytes": 0, "times": 2}]}'
out=$("$LEANCACHE" -C "$src" --json put 2>"$LC_TMP/put2.err") || fail "second put failed: $(cat "$LC_TMP/put2.err")"
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["uploaded"]==int(sys.argv[2])-12 and s["already_present"]==12, s' \
  "$out" "$total" || fail "second put did not upload exactly the rest: $out"
stored=$(find "$LC_TMP/server" -name '*.ltar' | wc -l)
expect_eq "$stored" "$total" "objects on the server after the second put"
for f in $(find "$LC_TMP/server" -name '*.ltar'); do
  cmp -s "$f" "$MATHLIB_CACHE_DIR/$(basename "$f")" || fail "object differs after the retry: $f"
done
put_stats $((total - 12)) 12 0 || fail "stats of the second put"
pass "second put: resets retried, exactly the remaining $((total - 12)) uploaded, all $total objects complete"
faultserver_stop
echo "put_faults: all checks passed"
