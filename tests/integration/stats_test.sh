#!/usr/bin/env bash
# `leancache stats [--json] [--zero]` (issue 7.3) after real gets from an nginx mirror and a
# fault server: exact hits/misses/bytes of a cold and a warm get, lifetime sums, errors by
# kind, the text and JSON shapes, and --zero.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/faultserver.sh"
lc_setup
lc_mirrored_fixture 60
total=$(find "$mirror/f" -name '*.ltar' -printf '%s\n' | awk '{s+=$1} END {print s}')

out=$("$LEANCACHE" stats) || fail "stats on a fresh daemon failed: $out"
expect_contains "$out" "No statistics recorded yet." "fresh stats"
pass "fresh daemon: no statistics"

proj="$LC_TMP/proj"
mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj")
"$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || fail "cold get failed"
unpacked_bytes=$(cd "$proj" && find . -path '*/.lake/build/*' -type f ! -name .mathlib-cache-roothash -printf '%s\n' | awk '{s+=$1} END {print s}')
"$LEANCACHE" -C "$proj" --json stats >"$LC_TMP/s1.json" || fail "stats --json failed"
python3 - "$LC_TMP/s1.json" "$n" "$total" "$unpacked_bytes" <<'PY' || fail "stats after a cold get: $(cat "$LC_TMP/s1.json")"
import json, sys
s = json.load(open(sys.argv[1])); n, total, unpacked = map(int, sys.argv[2:5])
assert set(s) >= {"lifetime", "last", "cache", "zeroed"}, s.keys()
g = s["last"]["get"]
for key in ["runs", "command", "first_unix_ms", "last_unix_ms", "hits", "misses", "downloaded", "not_found",
            "bytes_downloaded", "unpacked", "bytes_unpacked", "archives_evicted", "bytes_evicted",
            "milliseconds", "errors"]:
    assert key in g, key
assert g["command"] == "get" and g["runs"] == 1, g
assert g["hits"] == 0 and g["misses"] == n and g["downloaded"] == n and g["unpacked"] == n, g
assert g["bytes_downloaded"] == total, (g["bytes_downloaded"], total)
assert g["bytes_unpacked"] == unpacked, (g["bytes_unpacked"], unpacked)
assert g["errors"] == {} and g["not_found"] == 0 and g["archives_evicted"] == 0, g
assert s["lifetime"]["runs"] == 1 and s["lifetime"]["misses"] == n, s["lifetime"]
assert s["cache"]["archives"] == n and s["cache"]["archive_bytes"] == total and s["cache"]["size_cap"] == 0, s["cache"]
assert s["zeroed"] is False
PY
pass "cold get: $n misses, $total bytes downloaded, $unpacked_bytes bytes unpacked — exact"

"$LEANCACHE" -C "$proj" get >/dev/null 2>&1 || fail "warm get failed"
"$LEANCACHE" -C "$proj" --json stats >"$LC_TMP/s2.json"
python3 - "$LC_TMP/s2.json" "$n" "$total" <<'PY' || fail "stats after a warm get: $(cat "$LC_TMP/s2.json")"
import json, sys
s = json.load(open(sys.argv[1])); n, total = map(int, sys.argv[2:4])
g, life = s["last"]["get"], s["lifetime"]
assert g["hits"] == n and g["misses"] == 0 and g["downloaded"] == 0 and g["bytes_downloaded"] == 0, g
assert life["runs"] == 2 and life["hits"] == n and life["misses"] == n and life["bytes_downloaded"] == total, life
assert life["first_unix_ms"] < life["last_unix_ms"] or life["first_unix_ms"] == life["last_unix_ms"], life
PY
out=$("$LEANCACHE" -C "$proj" stats)
expect_contains "$out" "Last get (get, " "text: last get"
expect_contains "$out" "$n hits, 0 misses (100.0% hits)" "text: hits"
expect_contains "$out" "Lifetime (2 runs since " "text: lifetime"
expect_contains "$out" "errors:   none" "text: errors"
expect_contains "$out" "Cache: " "text: cache line"
pass "warm get: $n hits; lifetime sums two runs; text shows both"

# Errors by kind: one archive answers 500 (after the transport's retries), one is corrupted.
faultserver_start "$mirror" "$LC_TMP/fault" >/dev/null
a500=$(ls "$mirror/f" | sed -n 2p)
acorrupt=$(ls "$mirror/f" | sed -n 5p)
faultserver_set_faults "{\"rules\":[{\"path\":\"/f/$a500\",\"fault\":\"status\",\"status\":500},{\"path\":\"/f/$acorrupt\",\"fault\":\"corrupt\"}]}"
proj2="$LC_TMP/proj2"
mkdir -p "$proj2"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj2")
set +e
MATHLIB_CACHE_GET_URL="$FAULT_URL" "$LEANCACHE" -C "$proj2" 'get!' >"$LC_TMP/get3.out" 2>&1
rc=$?
set -e
expect_eq "$rc" "1" "get! with a failing and a corrupt archive"
"$LEANCACHE" -C "$proj2" --json stats >"$LC_TMP/s3.json"
python3 - "$LC_TMP/s3.json" "$n" <<'PY' || fail "errors by kind: $(cat "$LC_TMP/s3.json"; cat "$LC_TMP/get3.out")"
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
g = s["last"]["get"]
assert g["command"] == "get!" and g["misses"] == n and g["hits"] == 0, g
assert g["errors"].get("http_5xx") == 1, g["errors"]
assert g["errors"].get("corrupt_archive", 0) + g["errors"].get("unpack_failed", 0) == 1, g["errors"]
assert s["lifetime"]["runs"] == 3 and s["lifetime"]["errors"]["http_5xx"] == 1, s["lifetime"]
PY
pass "errors by kind: http_5xx and a corrupt archive counted"

out=$("$LEANCACHE" stats --zero) || fail "stats --zero failed"
expect_contains "$out" "Lifetime (3 runs" "--zero shows the numbers first"
expect_contains "$out" "Statistics zeroed." "--zero says so"
"$LEANCACHE" --json stats >"$LC_TMP/s4.json"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["lifetime"] is None and s["last"] == {} and s["zeroed"] is False, s' \
  "$LC_TMP/s4.json" || fail "after --zero: $(cat "$LC_TMP/s4.json")"
"$LEANCACHE" --json stats --zero >"$LC_TMP/s5.json"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["zeroed"] is True, s' "$LC_TMP/s5.json" || fail "--json --zero"
set +e
out=$("$LEANCACHE" stats --bogus 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "stats with an unknown option"
expect_contains "$out" "unknown option --bogus" "unknown option message"
pass "stats --zero shows then clears; --json shapes; unknown options refused"
