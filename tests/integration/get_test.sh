#!/usr/bin/env bash
# `leancache get` against a real nginx on 127.0.0.1 serving a mirror built from a generated
# workspace: cold get gives byte-identical artifacts, a second get does nothing, get! downloads
# again, get- does not unpack, ARGS limit the work, a missing archive is reported, and a fork's
# chain (master, then forks) finds archives in the second container.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
lc_setup
# The mirror: every module's archive, packed like Mathlib's CI does.
lc_mirrored_fixture 120
[ "$n" -gt 100 ] || fail "only $n archives packed"
pass "mirror of $n archives at $NGINX_URL"

# Reference tree: what leantar-compatible unpacking of every archive gives.
ref="$LC_TMP/ref"
new_project() {  # new_project DIR: the sources without any build output
  mkdir -p "$1"
  (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1")
}
new_project "$ref"
for f in "$mirror"/f/*.ltar; do
  mod=$(grep -P "\t$(basename "$f" .ltar)\$" "$LC_TMP/keys" | cut -f1)
  "$LTAR" -f -C "$ref" -x "$f" || fail "ltar could not unpack $f"
done
tree_of() { (cd "$1" && find . -path '*/.lake/build/*' -type f | grep -v '.mathlib-cache-roothash' | sort | xargs sha256sum); }

proj="$LC_TMP/proj"
new_project "$proj"
"$LEANCACHE" -C "$proj" --json get >"$LC_TMP/get1.json" 2>"$LC_TMP/get1.err" || fail "cold get failed: $(cat "$LC_TMP/get1.err")"
python3 - "$LC_TMP/get1.json" "$n" <<'PY' || fail "cold get summary: $(cat "$LC_TMP/get1.json")"
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert s["downloaded"] == n and s["unpacked"] == n and s["exit_code"] == 0, s
PY
diff <(tree_of "$ref") <(tree_of "$proj") >"$LC_TMP/diff" || fail "unpacked tree differs from ltar's: $(head -5 "$LC_TMP/diff")"
# Everything but the (normalised) traces is byte-identical to the original build outputs.
tree_of "$proj" | grep -v '\.trace$' >"$LC_TMP/proj.sums"
(cd "$src" && sha256sum -c --quiet "$LC_TMP/proj.sums") >"$LC_TMP/diff2" 2>&1 \
  || fail "artifacts differ from the originals: $(head -5 "$LC_TMP/diff2")"
[ -f "$proj/.lake/build/.mathlib-cache-roothash" ] || fail "root hash record missing"
pass "cold get: $n archives downloaded and unpacked, byte-identical"

# lookup: archive path and its comment lines, as the original prints them.
lmod=$(cut -f1 "$LC_TMP/keys" | grep '^Mathlib\.' | sed -n 3p)
lkey=$(grep -P "^$lmod\t" "$LC_TMP/keys" | cut -f2)
out=$("$LEANCACHE" -C "$proj" lookup "$lmod") || fail "lookup failed: $out"
expect_eq "$out" "$lmod: $MATHLIB_CACHE_DIR/$lkey.ltar
  comment: git=mathlib4@0123456789abcdef0123456789abcdef01234567" "lookup output"
set +e
out=$(MATHLIB_CACHE_DIR="$LC_TMP/empty-cache" "$LEANCACHE" -C "$proj" lookup "$lmod" 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "lookup of an archive that is not there"
expect_contains "$out" "$LC_TMP/empty-cache/$lkey.ltar not found" "lookup miss message"
pass "lookup prints the archive and its comments; a missing archive exits 1"

# Second get: nothing to download, nothing unpacked.
before=$(cd "$proj" && find . -path '*/.lake/build/*' -type f -printf '%T@ %p\n' | sort)
out=$("$LEANCACHE" -C "$proj" get 2>&1) || fail "warm get failed: $out"
expect_contains "$out" "No files to download" "warm get"
after=$(cd "$proj" && find . -path '*/.lake/build/*' -type f -printf '%T@ %p\n' | sort)
[ "$before" == "$after" ] || fail "warm get rewrote files: $out"
pass "second get: nothing downloaded or unpacked"

# get!: downloads and unpacks everything again.
"$LEANCACHE" -C "$proj" --json 'get!' >"$LC_TMP/get2.json" 2>/dev/null || fail "get! failed"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); n=int(sys.argv[2]); assert s["downloaded"]==n and s["unpacked"]==n, s' "$LC_TMP/get2.json" "$n" \
  || fail "get! summary: $(cat "$LC_TMP/get2.json")"
diff <(tree_of "$ref") <(tree_of "$proj") >/dev/null || fail "tree differs after get!"
pass "get! re-downloaded and re-unpacked $n archives"

# On a terminal the client draws a live bar (\r-rewritten line) instead of plain lines.
script -qec "$LEANCACHE -C $proj get!" /dev/null >"$LC_TMP/tty.out" 2>&1 || fail "get! on a tty failed: $(tail -3 "$LC_TMP/tty.out")"
grep -qa $'\r\[#*\.*\] download: ' "$LC_TMP/tty.out" || grep -qa $'\r\[#*\.*\] unpack: ' "$LC_TMP/tty.out" \
  || fail "no live progress bar on a terminal: $(head -c 300 "$LC_TMP/tty.out" | od -c | head -5)"
pass "live progress bar on a terminal"

# get-: fresh CACHEDIR and project: downloads, never unpacks.
export MATHLIB_CACHE_DIR="$LC_TMP/cache2"
proj2="$LC_TMP/proj2"
new_project "$proj2"
out=$("$LEANCACHE" -C "$proj2" 'get-' 2>&1) || fail "get- failed: $out"
expect_contains "$out" "Downloaded all files successfully!" "get- message"
[ "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" -eq "$n" ] || fail "get- did not download everything"
[ -z "$(find "$proj2" -path '*/.lake/build/*' -type f)" ] || fail "get- unpacked files"
pass "get- downloaded $n archives and unpacked nothing"
# unpack then unpacks them (and a second unpack finds them done).
out=$("$LEANCACHE" -C "$proj2" unpack 2>&1) || fail "unpack failed: $out"
expect_contains "$out" "Completed successfully!" "unpack message"
diff <(tree_of "$ref") <(tree_of "$proj2") >/dev/null || fail "unpack gave a different tree"
out=$("$LEANCACHE" -C "$proj2" unpack 2>&1) || fail "second unpack failed: $out"
expect_contains "$out" "Already decompressed $n file(s)" "second unpack"
pass "unpack after get-; second unpack skips"

# ARGS: only the closure of the named module.
export MATHLIB_CACHE_DIR="$LC_TMP/cache3"
proj3="$LC_TMP/proj3"
new_project "$proj3"
target=$(cut -f1 "$LC_TMP/keys" | grep '^Mathlib\.' | sed -n 20p)
closure=$("$LEANCACHE" -C "$proj3" hash "$target" | wc -l)
"$LEANCACHE" -C "$proj3" --json get "$target" >"$LC_TMP/get3.json" 2>/dev/null || fail "get ARGS failed"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); c=int(sys.argv[2]); assert s["downloaded"]==c and s["modules"]==c, (s,c)' "$LC_TMP/get3.json" "$closure" \
  || fail "get $target: $(cat "$LC_TMP/get3.json"), closure $closure"
[ "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" -eq "$closure" ] || fail "get ARGS fetched more than the closure"
pass "get $target fetched exactly its closure ($closure archives)"

# A module missing on the server: reported, not fatal (404 is a miss), its files stay missing.
export MATHLIB_CACHE_DIR="$LC_TMP/cache4"
proj4="$LC_TMP/proj4"
new_project "$proj4"
gone=$(grep -P "^$target\t" "$LC_TMP/keys" | cut -f2)
mv "$mirror/f/$gone.ltar" "$LC_TMP/held.ltar"
set +e
"$LEANCACHE" -C "$proj4" --json get >"$LC_TMP/get4.json" 2>"$LC_TMP/get4.err"
rc=$?
set -e
mv "$LC_TMP/held.ltar" "$mirror/f/$gone.ltar"
expect_eq "$rc" "0" "exit code with a 404"
grep -q "Warning: some files were not found in the cache." "$LC_TMP/get4.err" || fail "no missing-files warning"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); n=int(sys.argv[2]); assert s["not_found"]==1 and s["downloaded"]==n-1, s' "$LC_TMP/get4.json" "$n" \
  || fail "summary with a miss: $(cat "$LC_TMP/get4.json")"
[ ! -e "$proj4/.lake/build/lib/lean/$(tr . / <<<"$target").olean" ] || fail "missing module has artifacts"
[ ! -e "$MATHLIB_CACHE_DIR/$gone.ltar.part" ] && [ -z "$(ls "$MATHLIB_CACHE_DIR" | grep -c part | grep -v '^0$')" ] || fail "a .part file was left behind"
pass "missing archive reported (exit 0, warning), nothing partial left"

# Fork chain: master lacks half the archives, the fork's container has them.
unset MATHLIB_CACHE_GET_URL
export MATHLIB_CACHE_DIR="$LC_TMP/cache5" MATHLIB_CACHE_BASE_URL="$NGINX_URL"
mkdir -p "$mirror/mathlib4-master/f" "$mirror/mathlib4-forks/f/alice/mathlib4"
i=0
for f in "$mirror"/f/*.ltar; do
  if [ $((i % 2)) -eq 0 ]; then cp "$f" "$mirror/mathlib4-master/f/"; else cp "$f" "$mirror/mathlib4-forks/f/alice/mathlib4/"; fi
  i=$((i + 1))
done
proj5="$LC_TMP/proj5"
new_project "$proj5"
"$LEANCACHE" -C "$proj5" --json get --repo=alice/mathlib4 >"$LC_TMP/get5.json" 2>"$LC_TMP/get5.err" || fail "fork get failed: $(cat "$LC_TMP/get5.err")"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); n=int(sys.argv[2]); assert s["downloaded"]==n and s["not_found"]==0, s' "$LC_TMP/get5.json" "$n" \
  || fail "fork chain summary: $(cat "$LC_TMP/get5.json") $(cat "$LC_TMP/get5.err")"
diff <(tree_of "$ref") <(tree_of "$proj5") >/dev/null || fail "fork chain tree differs"
pass "fork chain: master then forks delivered all $n archives"

# clean keeps what some registered project still uses; clean! deletes everything.
export MATHLIB_CACHE_DIR="$LC_TMP/cache5"
# Another checkout sharing the cache, on another toolchain: all its keys differ.
other="$LC_TMP/other"
new_project "$other"
echo "leanprover/lean4:v9.9.9" >"$other/lean-toolchain"
"$LEANCACHE" -C "$other" hash | cut -f2 >"$LC_TMP/other.keys"
sample=$(find "$MATHLIB_CACHE_DIR" -name "*.ltar" -print -quit)
while read -r h; do cp "$sample" "$MATHLIB_CACHE_DIR/$h.ltar"; done <"$LC_TMP/other.keys"
"$LEANCACHE" -C "$other" unpack >/dev/null 2>&1 || true   # registers $other as a user
total=$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)
[ "$total" -gt "$n" ] || fail "setup: the other project's archives are missing"
touch "$MATHLIB_CACHE_DIR/00000000deadbeef.ltar"
"$LEANCACHE" -C "$proj5" clean || fail "clean failed"
[ ! -e "$MATHLIB_CACHE_DIR/00000000deadbeef.ltar" ] || fail "clean kept an unused archive"
expect_eq "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" "$total" "archives kept by clean (other project's too)"
rm -rf "$other"
json=$("$LEANCACHE" -C "$proj5" --json clean) || fail "clean after removing the other project failed"
expect_eq "$(ls "$MATHLIB_CACHE_DIR"/*.ltar | wc -l)" "$n" "archives after the other project is gone ($json)"
"$LEANCACHE" -C "$proj5" 'clean!' || fail "clean! failed"
[ -z "$(ls "$MATHLIB_CACHE_DIR" | grep '\.ltar$')" ] || fail "clean! left archives"
pass "clean keeps archives another project uses, drops them once it is gone; clean! empties the cache"

nginx_stop
echo "get: all checks passed"
