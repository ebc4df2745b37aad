#!/usr/bin/env bash
# Bounded cache (issue 7.4) against a real nginx mirror: with a size cap well below the total
# size of a project's archives, a cold `get` still downloads and unpacks everything correctly,
# and CACHEDIR — sampled every few milliseconds during the get — never exceeds the cap by more
# than 1 %. Then: a later get downloads again only what was evicted; `gc --max-size` shrinks the
# cache further; an archive larger than the cap fails cleanly; pinned/used rules hold for gc.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
lc_setup
lc_mirrored_fixture 400
[ "$n" -gt 100 ] || fail "only $n archives packed"
total=$(find "$mirror/f" -name '*.ltar' -printf '%s\n' | awk '{s+=$1} END {print s}')
largest=$(find "$mirror/f" -name '*.ltar' -printf '%s\n' | sort -n | tail -1)
# A quarter of the total, but room for a few of the largest archives at once.
cap=$((total / 4))
[ "$cap" -ge $((largest * 3 / 2)) ] || cap=$((largest * 3 / 2))
[ "$cap" -le $((total / 3)) ] || fail "fixture unsuitable: cap $cap vs total $total (largest archive $largest)"
echo "   [$SECONDS s]"; pass "mirror of $n archives, $total bytes; cap $cap bytes (largest archive $largest)"

# The cap comes from the daemon's config file ("max_cache_size"); restart the daemon to read it.
mkdir -p "$XDG_CONFIG_HOME/leancache"
echo "{\"max_cache_size\": $cap}" >"$XDG_CONFIG_HOME/leancache/config.json"
"$LEANCACHE" daemon stop >/dev/null 2>&1 || true
lc_start_daemon --idle-timeout 0

new_project() {  # new_project DIR: the sources without any build output
  mkdir -p "$1"
  (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1")
}
# check_tree DIR WHAT: a trace per archive was unpacked, and every unpacked build output other
# than traces (normalised by packing) is byte-identical to the original build's.
check_tree() {
  local got
  got=$(cd "$1" && find . -path '*/.lake/build/*' -type f -name '*.trace' | wc -l)
  [ "$got" -ge "$n" ] || fail "$2: only $got traces unpacked for $n archives"
  (cd "$1" && find . -path '*/.lake/build/*' -type f ! -name '*.trace' ! -name .mathlib-cache-roothash -print0 \
     | xargs -0 sha256sum) >"$LC_TMP/sums"
  (cd "$src" && sha256sum -c --quiet "$LC_TMP/sums") >"$LC_TMP/diff" 2>&1 || fail "$2: artifacts differ: $(head -5 "$LC_TMP/diff")"
}

# sample_start OUT: sums the sizes of every regular file in CACHEDIR (archives and partial
# downloads) every 2 ms until sample_stop; writes "max samples" to OUT.
sample_start() {
  rm -f "$LC_TMP/sample.stop"
  python3 - "$MATHLIB_CACHE_DIR" "$LC_TMP/sample.stop" "$1" <<'PY' &
import os, sys, time
d, stop, out = sys.argv[1:4]
peak = samples = 0
while not os.path.exists(stop):
    total = 0
    try:
        with os.scandir(d) as it:
            for e in it:
                try:
                    st = e.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if e.is_file(follow_symlinks=False):
                    total += st.st_size
    except FileNotFoundError:
        pass
    peak = max(peak, total)
    samples += 1
    time.sleep(0.002)
open(out, "w").write(f"{peak} {samples}\n")
PY
  SAMPLER=$!
}
sample_stop() { touch "$LC_TMP/sample.stop"; wait "$SAMPLER"; }
check_peak() {  # check_peak FILE LIMIT WHAT
  read -r peak samples <"$1"
  [ "$samples" -ge 20 ] || fail "$3: only $samples samples"
  python3 -c 'import sys; p,l=int(sys.argv[1]),int(sys.argv[2]); sys.exit(0 if p <= l*1.01 else 1)' "$peak" "$2" \
    || fail "$3: CACHEDIR peaked at $peak bytes, cap $2 (+1 % = $(($2 + $2 / 100)))"
  echo "   $3: peak $peak bytes of cap $2 ($(python3 -c "print(f'{100*$peak/$2:.2f}')") %), $samples samples"
}

# Cold get: the cap is a quarter of what the project needs.
proj="$LC_TMP/proj"
new_project "$proj"
sample_start "$LC_TMP/peak1"
set +e
"$LEANCACHE" -C "$proj" --json get >"$LC_TMP/get1.json" 2>"$LC_TMP/get1.err"
rc=$?
set -e
sample_stop
[ "$rc" -eq 0 ] || fail "capped get failed ($rc): $(cat "$LC_TMP/get1.err")"
python3 - "$LC_TMP/get1.json" "$n" "$cap" <<'PY' || fail "capped get summary: $(cat "$LC_TMP/get1.json")"
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2]); cap = int(sys.argv[3])
assert s["downloaded"] == n and s["unpacked"] == n and s["exit_code"] == 0, s
assert s["archives_evicted"] > 0 and s["cache_size_cap"] == cap, s
PY
grep -q "Note: evicted .* to stay under its size cap" "$LC_TMP/get1.err" || fail "no eviction note: $(cat "$LC_TMP/get1.err")"
check_tree "$proj" "capped cold get"
check_peak "$LC_TMP/peak1" "$cap" "cold get"
now=$(find "$MATHLIB_CACHE_DIR" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$now" -le "$cap" ] || fail "CACHEDIR holds $now bytes after the get, cap $cap"
ls "$MATHLIB_CACHE_DIR" | grep -q '\.part$' && fail "partial downloads left behind"
echo "   [$SECONDS s]"; pass "capped cold get: $n archives downloaded and unpacked byte-identically, CACHEDIR stayed under the cap"

# stats agree with the get.
"$LEANCACHE" -C "$proj" --json stats >"$LC_TMP/stats1.json"
python3 - "$LC_TMP/stats1.json" "$LC_TMP/get1.json" "$n" "$total" "$cap" <<'PY' || fail "stats after capped get: $(cat "$LC_TMP/stats1.json")"
import json, sys
st = json.load(open(sys.argv[1])); g = json.load(open(sys.argv[2])); n, total, cap = map(int, sys.argv[3:6])
last = st["last"]["get"]
assert last["misses"] == n and last["hits"] == 0 and last["downloaded"] == n, last
assert last["bytes_downloaded"] == total, (last, total)
assert last["archives_evicted"] == g["archives_evicted"] and last["bytes_evicted"] == g["bytes_evicted"], last
assert st["cache"]["size_cap"] == cap and st["cache"]["archive_bytes"] <= cap, st["cache"]
PY
pass "stats: misses, downloads, bytes and evictions of the capped get"

# A later get: the still-cached archives are hits, the evicted ones are downloaded again (the
# tree is already right, so it is rewritten identically), still under the cap.
present=$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$' || true)
sample_start "$LC_TMP/peak2"
"$LEANCACHE" -C "$proj" --json get >"$LC_TMP/get2.json" 2>"$LC_TMP/get2.err" || { sample_stop; fail "second get failed: $(cat "$LC_TMP/get2.err")"; }
sample_stop
python3 - "$LC_TMP/get2.json" "$n" "$present" <<'PY' || fail "second get summary: $(cat "$LC_TMP/get2.json")"
import json, sys
s = json.load(open(sys.argv[1])); n, present = int(sys.argv[2]), int(sys.argv[3])
assert s["exit_code"] == 0 and s["downloaded"] == n - present, (s, present)
PY
check_peak "$LC_TMP/peak2" "$cap" "second get"
check_tree "$proj" "second get"
"$LEANCACHE" -C "$proj" --json stats >"$LC_TMP/stats2.json"
python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["last"]["get"]; n,p=int(sys.argv[2]),int(sys.argv[3]); assert l["hits"]==p and l["misses"]==n-p, l' \
  "$LC_TMP/stats2.json" "$n" "$present" || fail "stats of the second get: $(cat "$LC_TMP/stats2.json")"
echo "   [$SECONDS s]"; pass "second get: $present hits, $((n - present)) evicted archives downloaded again, still under the cap"

# gc under a smaller cap (the command-line override), via the CLI, text and JSON.
half=$((cap / 2))
out=$("$LEANCACHE" -C "$proj" gc --max-size=$half 2>&1) || fail "gc failed: $out"
expect_contains "$out" "gc: " "gc text"
now=$(find "$MATHLIB_CACHE_DIR" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$now" -le "$half" ] || fail "gc left $now bytes, wanted at most $half: $out"
"$LEANCACHE" -C "$proj" --json gc >"$LC_TMP/gc2.json" || fail "second gc failed"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["archives_evicted"]==0 and s["under_cap"] and s["size_cap"]==int(sys.argv[2]), s' \
  "$LC_TMP/gc2.json" "$cap" || fail "gc at the configured cap: $(cat "$LC_TMP/gc2.json")"
# gc tidies: a stale partial download and a record whose file vanished.
victim=$(ls "$MATHLIB_CACHE_DIR"/*.ltar | head -1)
rm "$victim"
touch -d '2 hours ago' "$MATHLIB_CACHE_DIR/0123456789abcdef.ltar.1.00000000.part"
"$LEANCACHE" -C "$proj" --json gc >"$LC_TMP/gc3.json" || fail "third gc failed"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["stale_parts_removed"]==1 and s["dangling_records_removed"]==1, s' \
  "$LC_TMP/gc3.json" || fail "gc tidying: $(cat "$LC_TMP/gc3.json")"
echo "   [$SECONDS s]"; pass "gc: --max-size=$half evicted down to $now bytes; the configured cap needs nothing; stale files tidied"

# An archive larger than the cap cannot be stored: the get fails cleanly and says why.
set +e
# (One module and its imports: each download fails at its first body bytes, naming the size.)
lmod=$(cut -f1 "$LC_TMP/keys" | grep '^Mathlib\.' | head -1)
out=$(LEANCACHE_MAX_CACHE_SIZE=1K "$LEANCACHE" -C "$proj" 'get!' "$lmod" 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "get! under a 1 KiB cap"
expect_contains "$out" "bytes) is larger than the cache size cap" "message for an archive larger than the cap"
"$LEANCACHE" -C "$proj" --json stats >"$LC_TMP/stats3.json"
python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["last"]["get"]; assert l["errors"].get("cache_full",0)>0, l' \
  "$LC_TMP/stats3.json" || fail "cache_full not counted: $(cat "$LC_TMP/stats3.json")"
set +e
out=$(LEANCACHE_MAX_CACHE_SIZE=lots "$LEANCACHE" -C "$proj" get 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "get with a malformed LEANCACHE_MAX_CACHE_SIZE"
expect_contains "$out" "LEANCACHE_MAX_CACHE_SIZE" "malformed cap message"
echo "   [$SECONDS s]"; pass "an archive above the cap fails with a clear message (counted as cache_full); a bad cap value is an error"
