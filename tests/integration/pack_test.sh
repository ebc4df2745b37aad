#!/usr/bin/env bash
# `leancache pack`, `pack!`, `stage[!]`, `unstage[!]` end to end through the daemon: pack writes
# one archive per module with the git comment, a second pack writes nothing, pack! rewrites,
# the archives unpack (leancache unpack) into a fresh copy to identical files; the
# --staging-dir rules; positional arguments and a missing git checkout fail as the original.
source "$(dirname "$0")/lib/daemon.sh"
lc_setup
src="$LC_TMP/src"
lc_fixture "$src" 40 --artifacts
git init -q "$src"
git -C "$src" -c user.email=t@t -c user.name=t add -A
git -C "$src" -c user.email=t@t -c user.name=t commit -q -m fixture
sha=$(git -C "$src" rev-parse HEAD)
lc_start_daemon --idle-timeout 0
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
n=$(cut -f2 "$LC_TMP/keys" | sort -u | wc -l)

run() {  # run ARGS...: sets RC, OUT (stdout+stderr)
  set +e
  OUT=$("$LEANCACHE" "$@" 2>&1)
  RC=$?
  set -e
}

run -C "$src" pack
expect_eq "$RC" "0" "pack exit code ($OUT)"
expect_contains "$OUT" "Compressing cache" "pack message"
got=$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')
expect_eq "$got" "$n" "archives after pack"
for h in $(cut -f2 "$LC_TMP/keys" | sort -u); do
  [ -s "$MATHLIB_CACHE_DIR/$h.ltar" ] || fail "archive $h.ltar missing"
done
first=$(cut -f2 "$LC_TMP/keys" | head -1)
expect_contains "$("$LTAR" -k "$MATHLIB_CACHE_DIR/$first.ltar")" "git=mathlib4@$sha" "comment"
pass "pack: $n archives with git=mathlib4@$sha"

stamp=$(stat -c %Y.%i "$MATHLIB_CACHE_DIR/$first.ltar")
sleep 1
run -C "$src" pack
expect_eq "$RC" "0" "second pack exit code ($OUT)"
expect_eq "$(stat -c %Y.%i "$MATHLIB_CACHE_DIR/$first.ltar")" "$stamp" "existing archive rewritten by pack"
run -C "$src" pack!
expect_eq "$RC" "0" "pack! exit code ($OUT)"
[ "$(stat -c %Y.%i "$MATHLIB_CACHE_DIR/$first.ltar")" != "$stamp" ] || fail "pack! did not rewrite"
! ls -a "$MATHLIB_CACHE_DIR" | grep -q 'part$\|^\.lctmp\.' || fail "temporary files left in CACHEDIR"
pass "pack skips existing archives, pack! rewrites them"

proj="$LC_TMP/proj"
mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -path ./.git -prune -o -type f -print | cpio -pdm --quiet "$proj")
run -C "$proj" unpack
expect_eq "$RC" "0" "unpack exit code ($OUT)"
# Archive and Counterexamples are not reachable from Mathlib: a plain pack leaves them out.
tree_of() {
  (cd "$1" && find . -path '*/.lake/build/*' -type f ! -name '*.trace' ! -name '.mathlib-cache-roothash' -print0 |
    sort -z | xargs -0 sha256sum | grep -Ev '/build/(ir|lib/lean)/(Archive|Counterexamples)([./])')
}
diff <(tree_of "$src") <(tree_of "$proj") >"$LC_TMP/diff" || fail "unpacked tree differs: $(head -5 "$LC_TMP/diff")"
pass "packed archives unpack to identical build outputs"

run -C "$src" pack Mathlib
expect_eq "$RC" "1" "pack with an argument"
expect_contains "$OUT" "Unknown command 'pack'" "pack with an argument"
run -C "$proj" pack
expect_eq "$RC" "1" "pack outside a git checkout"
expect_contains "$OUT" "git rev-parse HEAD failed" "pack outside a git checkout"
pass "pack rejects arguments and needs git"

run -C "$src" stage
expect_eq "$RC" "0" "stage without --staging-dir"
expect_contains "$OUT" "stage requires --staging-dir=" "stage without --staging-dir"
touch "$LC_TMP/afile"
run -C "$src" stage --staging-dir="$LC_TMP/afile"
expect_contains "$OUT" "--staging-dir must be a directory" "stage onto a file"
stage="$LC_TMP/stage"
mkdir -p "$stage"
run -C "$src" stage --staging-dir="$stage"
expect_eq "$RC" "0" "stage exit code ($OUT)"
expect_eq "$(ls "$stage" | wc -l)" "0" "stage copies only newly packed archives"
run -C "$src" stage! --staging-dir="$stage"
expect_eq "$RC" "0" "stage! exit code ($OUT)"
expect_eq "$(ls "$stage" | grep -c '\.ltar$')" "$n" "stage! copies every archive"
expect_contains "$OUT" "packing ./Mathlib/" "verbose packing lines"
pass "stage/stage!: --staging-dir rules, copies"

export MATHLIB_CACHE_DIR="$LC_TMP/cache2"
mkdir -p "$MATHLIB_CACHE_DIR"
run -C "$src" unstage
expect_contains "$OUT" "unstage requires --staging-dir=" "unstage without --staging-dir"
cp "$stage/$first.ltar" "$MATHLIB_CACHE_DIR/$first.ltar"
echo junk >"$MATHLIB_CACHE_DIR/$first.ltar"
run -C "$src" unstage --staging-dir="$stage"
expect_eq "$RC" "0" "unstage exit code ($OUT)"
expect_eq "$(ls "$MATHLIB_CACHE_DIR" | grep -c '\.ltar$')" "$n" "unstage copies the archives"
expect_eq "$(cat "$MATHLIB_CACHE_DIR/$first.ltar")" "junk" "unstage keeps existing names"
run -C "$src" unstage! --staging-dir="$stage"
cmp -s "$stage/$first.ltar" "$MATHLIB_CACHE_DIR/$first.ltar" || fail "unstage! did not overwrite"
pass "unstage/unstage!: copies into CACHEDIR, skips existing unless forced"
