#!/usr/bin/env bash
# `leancache hash` end to end: real daemon on a temporary socket, real client, a generated
# Mathlib-shaped workspace. An edit changes exactly the keys of the edited module and the
# modules above it; bad input gets one clear line and a non-zero exit, and the daemon survives.
source "$(dirname "$0")/lib/daemon.sh"
lc_setup
proj="$LC_TMP/proj"
lc_fixture "$proj" 300
lc_start_daemon --idle-timeout 0

"$LEANCACHE" -C "$proj" hash >"$LC_TMP/h1"
n=$(wc -l <"$LC_TMP/h1")
[ "$n" -gt 250 ] || fail "expected about 300 keys, got $n"
grep -vqP '^[A-Za-z0-9_.«»]+\t[0-9a-f]{16}$' "$LC_TMP/h1" && fail "malformed line: $(grep -vP '^[A-Za-z0-9_.«»]+\t[0-9a-f]{16}$' "$LC_TMP/h1" | head -1)"
LC_ALL=C sort -c "$LC_TMP/h1" 2>/dev/null || sort -c "$LC_TMP/h1" || fail "output not sorted by module"
grep -qP '^Mathlib\t' "$LC_TMP/h1" || fail "Mathlib itself has no key"
pass "hash: $n keys, sorted, well-formed"

"$LEANCACHE" -C "$proj" --json hash >"$LC_TMP/h1.json"
python3 - "$LC_TMP/h1" "$LC_TMP/h1.json" <<'PY' || fail "--json differs from the text output"
import json, sys
text = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
js = json.load(open(sys.argv[2]))
sys.exit(0 if text == js else 1)
PY
pass "--json matches"

# A second run is served from the memo and prints the same keys.
"$LEANCACHE" -C "$proj" hash >"$LC_TMP/h2"
cmp -s "$LC_TMP/h1" "$LC_TMP/h2" || fail "second run printed different keys"
files=$("$LEANCACHE" --json daemon status | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"]["files"])')
[ "$files" -ge "$n" ] || fail "index holds $files files, expected at least $n"
pass "warm run identical; index holds $files files"

# Edit one module that others import: exactly it and its dependents change.
target=$(python3 - "$proj" <<'PY'
import os, re, sys, collections
root = sys.argv[1]
deps = collections.Counter()
for d, _, fs in os.walk(os.path.join(root, "Mathlib")):
    for f in fs:
        if f.endswith(".lean"):
            for line in open(os.path.join(d, f), encoding="utf-8"):
                m = re.match(r"\s*(?:public\s+)?import\s+(Mathlib\.\S+)", line)
                if m: deps[m.group(1)] += 1
print(deps.most_common(3)[-1][0])
PY
)
file="$proj/$(tr . / <<<"$target").lean"
[ -f "$file" ] || fail "no source for $target"
echo "-- an edit" >>"$file"
"$LEANCACHE" -C "$proj" hash >"$LC_TMP/h3"
python3 - "$proj" "$target" "$LC_TMP/h1" "$LC_TMP/h3" <<'PY' || fail "changed keys differ from the edited module's dependents"
import os, re, sys
root, target, before, after = sys.argv[1:5]
imports = {}
for pkgroot in [root]:
    for d, _, fs in os.walk(pkgroot):
        if "/.lake" in d: continue
        for f in fs:
            if not f.endswith(".lean"): continue
            p = os.path.join(d, f)
            mod = os.path.relpath(p, pkgroot)[:-5].replace("/", ".")
            imps = []
            for line in open(p, encoding="utf-8"):
                m = re.match(r"\s*(?:public\s+)?(?:meta\s+)?import\s+(?:all\s+)?(\S+)", line)
                if m: imps.append(m.group(1))
            imports[mod] = imps
affected = {target}
changed = True
while changed:
    changed = False
    for mod, imps in imports.items():
        if mod not in affected and any(i in affected for i in imps):
            affected.add(mod); changed = True
b = dict(l.rstrip("\n").split("\t") for l in open(before))
a = dict(l.rstrip("\n").split("\t") for l in open(after))
diff = {m for m in a if a[m] != b.get(m)}
expected = {m for m in affected if m in a}
if diff != expected:
    print("changed but not expected:", sorted(diff - expected)[:5])
    print("expected but not changed:", sorted(expected - diff)[:5])
    sys.exit(1)
print(f"{len(diff)} keys changed, as expected")
PY
pass "edit of $target changed exactly its dependents' keys"

# ARGS: the closure of the named roots.
"$LEANCACHE" -C "$proj" hash "$target" >"$LC_TMP/h4"
grep -qP "^$target\t" "$LC_TMP/h4" || fail "root missing from its own closure"
[ "$(wc -l <"$LC_TMP/h4")" -lt "$(wc -l <"$LC_TMP/h3")" ] || fail "closure is not smaller than everything"
pass "hash ARGS prints the closure ($(wc -l <"$LC_TMP/h4") keys)"

# Bad input: one clear line naming the culprit, non-zero exit, daemon keeps serving.
expect_fail() {  # expect_fail WHAT NEEDLE CMD...
  local what=$1 needle=$2
  shift 2
  set +e
  out=$("$@" 2>&1 >/dev/null)
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || fail "$what: exit code 0"
  expect_contains "$out" "$needle" "$what"
  "$LEANCACHE" daemon status >/dev/null || fail "daemon died after $what"
  pass "$what -> exit $rc: $(head -1 <<<"$out")"
}
expect_fail "unknown module prefix" "unknown module prefix 'Nope'" "$LEANCACHE" -C "$proj" hash Nope.Foo
expect_fail "malformed argument" "Invalid argument" "$LEANCACHE" -C "$proj" hash 'Mathlib..Foo'
expect_fail "option after command" "option must come before command" "$LEANCACHE" -C "$proj" hash -x
cp "$file" "$LC_TMP/saved.lean"
printf 'import Mathlib.Init\n\xff\xfe bad bytes\n' >"$file"
expect_fail "non-UTF-8 source" "$(basename "$file")" "$LEANCACHE" -C "$proj" hash
cp "$LC_TMP/saved.lean" "$file"
chmod 000 "$file"
if [ "$(id -u)" -ne 0 ]; then
  expect_fail "unreadable source" "$(basename "$file")" "$LEANCACHE" -C "$proj" hash
fi
chmod 644 "$file"
cp "$proj/lake-manifest.json" "$LC_TMP/manifest.json"
echo '{"version": 7, "packages": [' >"$proj/lake-manifest.json"
expect_fail "broken lake-manifest.json" "lake-manifest.json" "$LEANCACHE" -C "$proj" hash
cp "$LC_TMP/manifest.json" "$proj/lake-manifest.json"
"$LEANCACHE" -C "$proj" hash >"$LC_TMP/h5" || fail "hash after repairs"
cmp -s "$LC_TMP/h3" "$LC_TMP/h5" || fail "keys differ after restoring the files"
pass "repaired workspace hashes as before"
echo "hash: all checks passed"
