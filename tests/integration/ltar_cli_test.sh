#!/usr/bin/env bash
# End-to-end tests of the `ltar` executable against the leantar 0.1.19 vectors: unpack (-x),
# comments (-k), pack (byte-compared with the vectors: same libzstd), pack -> unpack round trips,
# JSON on stdin (-x -), -f and the "already unpacked" skip, exit codes and messages.
set -uo pipefail

B="${LEANCACHE_BINARY_DIR:-/work/build}"
SHARED="${LEANCACHE_SHARED_DIR:-/work/shared}"
VEC="$SHARED/vectors/ltar"
if [ -f "$B/client/ltar" ] && [ -x "$B/client/ltar" ]; then
  LTAR="$B/client/ltar"
elif [ -x "$B/client/ltar/ltar" ]; then
  LTAR="$B/client/ltar/ltar"
else
  echo "FAIL: ltar binary not found under $B/client"; exit 1
fi

T="$(mktemp -d /tmp/ltar_cli.XXXXXX)"
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
ok()   { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check_eq() {  # name expected actual
  if [ "$2" == "$3" ]; then ok; else fail "$1: expected [$2] got [$3]"; fi
}
check_file() {  # file expected-content
  if [ -f "$1" ] && [ "$(cat "$1"; printf x)" == "$2"x ]; then ok; else fail "$1 content: [$(cat "$1" 2>&1)] != [$2]"; fi
}
check_same() {  # file1 file2
  if cmp -s "$1" "$2"; then ok; else fail "$1 differs from $2"; fi
}
file_count() { find "$1" -type f | wc -l | tr -d ' '; }
fresh() { local d; d="$(mktemp -d "$T/d.XXXXXX")"; echo "$d"; }

# --version / --help
check_eq "--version" "leantar 0.1.19 (leancache ltar)" "$("$LTAR" --version)"
"$LTAR" --help >/dev/null; check_eq "--help rc" 0 $?

# --- unpack every vector ---------------------------------------------------------------------
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/a.ltar"); check_eq "a rc" 0 $?
check_eq "a files" 7 "$(file_count "$D")"
check_file "$D/lib/Foo/Bar.trace" '{"schemaVersion":"2025-09-10","depHash":"0123456789abcdef","outputs":{"c":"3333333333333333.c","i":"2222222222222222.ilean","o":["1111111111111111.olean"]}}'
check_file "$D/ir/Foo/Bar.c.hash" "7"
for f in lib/Foo/Bar.olean lib/Foo/Bar.olean.hash lib/Foo/Bar.ilean lib/Foo/Bar.ilean.hash ir/Foo/Bar.c; do
  check_same "$D/$f" "$VEC/a/$f"
done

for v in v1 v2; do
  D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/$v.ltar"); check_eq "$v rc" 0 $?
  check_eq "$v files" 3 "$(file_count "$D")"
  check_file "$D/M.ilean" $'hello\n'
  check_file "$D/M.olean.hash" "99"
  if [ "$v" == v1 ]; then check_file "$D/M.trace" "1234567890"; fi
  if [ "$v" == v2 ]; then check_file "$D/M.trace" '{"depHash":"1234567890"}'; fi
done

D=$(fresh); "$LTAR" -C "$D/o0" -C "$D/o1" -x "$VEC/mb.ltar"; check_eq "mb rc" 0 $?
check_file "$D/o0/lib/A.trace" '{"schemaVersion":"2025-09-10","log":[{"message":"hello","level":"warning"}],"depHash":"00000000000000ff","outputs":{"c":"3333333333333333.c","i":"2222222222222222.ilean","o":["1111111111111111.olean"]}}'
check_file "$D/o0/lib/A.ilean" "ilean!"
check_file "$D/o1/ir/A.c" "c code"
D=$(fresh); msg=$(cd "$D" && "$LTAR" -x "$VEC/mb.ltar" 2>&1); rc=$?
check_eq "mb one base rc" 1 $rc
case "$msg" in *"not enough base paths (expected > 1)"*) ok ;; *) fail "mb one base message: $msg" ;; esac
check_eq "mb one base no files" 0 "$(file_count "$D")"

ATTR_TRACE='{"schemaVersion":"2025-09-10","depHash":"57289f38c9016500","outputs":{"c":"add47f1b668a8843.c","i":"3b9eae88facf7718.ilean","o":["3cca31ffa2f465ef.olean","56d5b21498fd7c3f.olean.server","8b675afb28e22dac.olean.private"],"r":"5663c04e813b1d02.ir"}}'
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/mod.ltar"); check_eq "mod rc" 0 $?
check_eq "mod files" 4 "$(file_count "$D")"
for f in Attr.olean Attr.olean.server Attr.olean.private; do check_same "$D/P/$f" "$VEC/m/P/$f"; done
check_file "$D/P/Attr.trace" "$ATTR_TRACE"
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/single.ltar"); check_eq "single rc" 0 $?
check_eq "single files" 2 "$(file_count "$D")"
check_same "$D/P/Attr.olean" "$VEC/m/P/Attr.olean"
check_file "$D/P/Attr.trace" "$ATTR_TRACE"
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/syn.ltar"); check_eq "syn rc" 0 $?
check_file "$D/S.trace" "1"; check_same "$D/basic.olean" "$VEC/syn/basic.olean"
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/edge.ltar"); check_eq "edge rc" 0 $?
check_eq "edge files" 7 "$(file_count "$D")"
check_file "$D/T.trace" "5"; check_file "$D/empty.ilean" ""; check_file "$D/plus.hash" "5"
check_file "$D/max.hash" "18446744073709551615"; check_file "$D/over.hash" "18446744073709551616"
check_file "$D/nl.hash" $'5\n'; check_file "$D/F.olean" "not an olean"
[ ! -e "$D/F.olean.server" ] && [ ! -e "$D/F.olean.private" ] && ok || fail "edge: module files appeared"

# --- comments ---------------------------------------------------------------------------------
check_eq "-k a" "git=test@abc" "$("$LTAR" -k "$VEC/a.ltar")"
check_eq "-k v1" "hi" "$("$LTAR" -k "$VEC/v1.ltar")"
check_eq "-k v2" "hi" "$("$LTAR" -k "$VEC/v2.ltar")"
check_eq "-k mb" "" "$("$LTAR" -k "$VEC/mb.ltar")"
"$LTAR" -k "$T/missing.ltar" 2>/dev/null; check_eq "-k missing rc" 1 $?

# --- pack: byte-identical to the vectors (same libzstd 1.5.4) ----------------------------------
P=$(fresh)
"$LTAR" -C "$VEC/m" "$P/mod.ltar" P/Attr.trace P/Attr.olean P/Attr.olean.server P/Attr.olean.private
check_eq "pack mod rc" 0 $?; check_same "$P/mod.ltar" "$VEC/mod.ltar"
"$LTAR" -C "$VEC/m" "$P/single.ltar" P/Attr.trace P/Attr.olean; check_same "$P/single.ltar" "$VEC/single.ltar"
"$LTAR" -C "$VEC/syn" "$P/syn.ltar" S.trace basic.olean; check_same "$P/syn.ltar" "$VEC/syn.ltar"
"$LTAR" -C "$VEC/mb/b0" -C "$VEC/mb/b1" "$P/mb.ltar" lib/A.trace lib/A.ilean -i 1 ir/A.c
check_same "$P/mb.ltar" "$VEC/mb.ltar"
"$LTAR" -C "$VEC/v12" "$P/v2.ltar" M.trace M.ilean -c hi M.olean.hash; check_same "$P/v2.ltar" "$VEC/v2.ltar"
# --pack-batch: the same archives from one process, byte for byte; a bad line is named by its
# number and fails the batch (101) while the lines after it are still packed.
B="$P/batch"; mkdir -p "$B"
printf '%s\n' "[\"-C\", \"$VEC/m\", \"$B/single.ltar\", \"P/Attr.trace\", \"P/Attr.olean\"]" \
  '["-x", "nope.ltar"]' 'not json' '' \
  "[\"-C\", \"$VEC/mb/b0\", \"-C\", \"$VEC/mb/b1\", \"$B/mb.ltar\", \"lib/A.trace\", \"lib/A.ilean\", \"-i\", \"1\", \"ir/A.c\"]" \
  | "$LTAR" --pack-batch 2>"$B/err"; check_eq "pack-batch with bad lines rc" 101 $?
check_same "$B/single.ltar" "$VEC/single.ltar"
check_same "$B/mb.ltar" "$VEC/mb.ltar"
grep -q "pack-batch line 2: not a pack command" "$B/err" && ok || fail "pack-batch line 2: $(cat "$B/err")"
grep -q "pack-batch line 3: " "$B/err" && ok || fail "pack-batch line 3: $(cat "$B/err")"
check_eq "pack-batch errors" 2 "$(wc -l <"$B/err")"
# a.ltar differs only in the lossless handling of "007": round trip must be exact.
(cd "$VEC/a" && "$LTAR" "$P/a.ltar" lib/Foo/Bar.trace -c git=test@abc lib/Foo/Bar.olean \
  lib/Foo/Bar.olean.hash lib/Foo/Bar.ilean lib/Foo/Bar.ilean.hash ir/Foo/Bar.c ir/Foo/Bar.c.hash)
check_eq "pack a rc" 0 $?
check_eq "-k packed a" "git=test@abc" "$("$LTAR" -k "$P/a.ltar")"
D=$(fresh); (cd "$D" && "$LTAR" -x "$P/a.ltar")
check_file "$D/ir/Foo/Bar.c.hash" "007"
for f in lib/Foo/Bar.olean lib/Foo/Bar.olean.hash lib/Foo/Bar.ilean lib/Foo/Bar.ilean.hash ir/Foo/Bar.c; do
  check_same "$D/$f" "$VEC/a/$f"
done
# edge: our writer keeps the .server/.private of a non-olean module.
"$LTAR" -C "$VEC/e" "$P/edge.ltar" T.trace empty.ilean max.hash over.hash plus.hash nl.hash F.olean F.olean.server F.olean.private
D=$(fresh); "$LTAR" -C "$D" -x "$P/edge.ltar"
for f in T.trace empty.ilean max.hash over.hash plus.hash nl.hash F.olean F.olean.server F.olean.private; do
  check_same "$D/$f" "$VEC/e/$f"
done
# pack failure: missing input -> exit 101, no output
"$LTAR" -C "$VEC/e" "$P/bad.ltar" T.trace nothere.txt 2>/dev/null; check_eq "pack missing rc" 101 $?
[ ! -e "$P/bad.ltar" ] && ok || fail "pack failure left output"
"$LTAR" -C "$VEC/e" "$P/bad.ltar" T.trace -i 1 F.olean 2>/dev/null; check_eq "pack -i on LTAR rc" 101 $?

# --- JSON on stdin --------------------------------------------------------------------------
D=$(fresh)
printf '["%s", {"file": "%s", "base": "%s/x"}, {"file": "%s", "base": [null, "%s/y1"]}]' \
  "$VEC/v1.ltar" "$VEC/syn.ltar" "$D" "$VEC/mb.ltar" "$D" | (cd "$D" && "$LTAR" -C "$D/y0" -x -j -)
check_eq "json rc" 0 $?
check_file "$D/y0/M.trace" "1234567890"
check_same "$D/x/basic.olean" "$VEC/syn/basic.olean"
check_file "$D/y0/lib/A.ilean" "ilean!"
check_file "$D/y1/ir/A.c" "c code"
echo '[{"file": 5}]' | "$LTAR" -x - 2>/dev/null; check_eq "bad json rc" 101 $?
echo 'a.ltar' | "$LTAR" -x - 2>/dev/null; check_eq "plain list on stdin rc" 101 $?

# Mathlib's exact invocations: pack with "./"-prefixed paths and a git comment, run from the
# project root; unpack with `-x --delete-corrupted -j -`.
M=$(fresh); mkdir -p "$M/proj/.lake/build/lib/lean/P"
cp "$VEC"/m/P/Attr.* "$M/proj/.lake/build/lib/lean/P/"
(cd "$M/proj" && "$LTAR" "$M/cache.ltar" ./.lake/build/lib/lean/P/Attr.trace -c git=mathlib4@abc \
  ./.lake/build/lib/lean/P/Attr.olean ./.lake/build/lib/lean/P/Attr.olean.server \
  ./.lake/build/lib/lean/P/Attr.olean.private)
check_eq "mathlib pack rc" 0 $?
check_eq "mathlib -k" "git=mathlib4@abc" "$("$LTAR" -k "$M/cache.ltar")"
mkdir -p "$M/get"
printf '["%s"]' "$M/cache.ltar" | (cd "$M/get" && "$LTAR" -x --delete-corrupted -j -)
check_eq "mathlib unpack rc" 0 $?
for f in Attr.olean Attr.olean.server Attr.olean.private; do
  check_same "$M/get/.lake/build/lib/lean/P/$f" "$VEC/m/P/$f"
done
check_file "$M/get/.lake/build/lib/lean/P/Attr.trace" "$ATTR_TRACE"
# header contract: magic + little-endian depHash, as Mathlib reads it
check_eq "header" "4c545233006501c9389f2857" "$(head -c 12 "$M/cache.ltar" | od -An -tx1 | tr -d ' \n')"

# --- skip / -f ----------------------------------------------------------------------------------
D=$(fresh); (cd "$D" && "$LTAR" -x "$VEC/a.ltar")
echo changed > "$D/lib/Foo/Bar.ilean"
(cd "$D" && "$LTAR" -x "$VEC/a.ltar"); check_file "$D/lib/Foo/Bar.ilean" $'changed\n'
(cd "$D" && "$LTAR" -f -x "$VEC/a.ltar"); check_same "$D/lib/Foo/Bar.ilean" "$VEC/a/lib/Foo/Bar.ilean"

# --- exit codes for missing / corrupt archives ---------------------------------------------------
D=$(fresh)
msg=$("$LTAR" -C "$D" -x "$D/nothere.ltar" 2>&1); check_eq "missing rc" 1 $?
case "$msg" in *"$D/nothere.ltar not found"*) ok ;; *) fail "missing message: $msg" ;; esac
head -c 300 "$VEC/a.ltar" > "$D/trunc.ltar"
msg=$("$LTAR" -C "$D/out" -x "$D/trunc.ltar" 2>&1); check_eq "truncated rc" 0 $?
case "$msg" in *"trunc.ltar: removing corrupted file"*) ok ;; *) fail "truncated message: $msg" ;; esac
[ ! -e "$D/trunc.ltar" ] && ok || fail "truncated archive not deleted"
[ "$(find "$D" -type f | wc -l)" -eq 0 ] && ok || fail "truncated archive left files"
printf 'XXXX\0\0\0\0\0\0\0\0t\0' > "$D/magic.ltar"
msg=$("$LTAR" -C "$D/out" -x "$D/magic.ltar" 2>&1); check_eq "bad magic rc" 1 $?
case "$msg" in *"bad .ltar file"*) ok ;; *) fail "bad magic message: $msg" ;; esac
# leantar 0.1.20 -s archives (LTR4, Lake >= 4.33): a clear message, exit 1, the file is kept.
{ printf 'LTR4'; head -c 139 /dev/urandom; } > "$D/ltr4.ltar"
msg=$("$LTAR" -C "$D/out" -x "$D/ltr4.ltar" 2>&1); check_eq "LTR4 rc" 1 $?
case "$msg" in *"ltr4.ltar: LTR4 (leantar 0.1.20 -s) archives are not supported yet"*) ok ;; *) fail "LTR4 message: $msg" ;; esac
[ -e "$D/ltr4.ltar" ] && ok || fail "LTR4 archive deleted as corrupt"
{ head -c 20 "$VEC/v1.ltar"; printf 'x\0\011'; } > "$D/mode.ltar"
msg=$("$LTAR" -C "$D/out" -x "$D/mode.ltar" 2>&1); check_eq "bad mode rc" 1 $?
case "$msg" in *"unsupported compression 9"*) ok ;; *) fail "bad mode message: $msg" ;; esac
# One bad archive among good ones: exit 1, the good ones are still unpacked.
"$LTAR" -C "$D/mix" -x "$VEC/v1.ltar" "$D/magic.ltar" "$VEC/syn.ltar" 2>/dev/null; check_eq "mixed rc" 1 $?
check_same "$D/mix/basic.olean" "$VEC/syn/basic.olean"
# Traversal is refused.
printf 'LTAR\005\0\0\0\0\0\0\0t\0../evil\0\002\001\0\0\0\0\0\0\0' > "$D/evil.ltar"
"$LTAR" -C "$D/safe" -x "$D/evil.ltar" 2>/dev/null; check_eq "traversal rc" 1 $?
[ ! -e "$D/evil" ] && ok || fail "traversal wrote outside the base"

echo "ltar_cli_test: $passes checks passed, $fails failed"
[ "$fails" -eq 0 ]
