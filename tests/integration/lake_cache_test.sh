#!/usr/bin/env bash
# lake_cache_test.sh -- `leancache lake ...` (Lake's native cache, issue 15) against real servers on
# 127.0.0.1: nginx serves anonymous reads, and the SigV4-verifying S3 peer (tests/tools/s3peer)
# takes the signed uploads and stores the objects nginx then serves (the R2 shape of TauCeti:
# S3 API for writes, a public domain for reads). Why the Python peer and not s3rver/radosgw
# (shared/spec/test-peers.md §5.2): s3rver accepts any signature, so it cannot show that our
# SigV4 (region `auto`) is right, and radosgw needs a Ceph cluster; the peer recomputes every
# signature with Debian's botocore.
#
# A Lake-shaped fixture from realistic build outputs (real oleans from shared/vectors, .ilean and
# .c from fixturegen, .ir, .ir.sig, LTR4 .ltar archives), a git history of 3 commits:
# stage -> put-staged --rev (commit 2) -> wipe -> get --repo walks back from HEAD (404 walked
# past) -> Lake's layout byte-exact, every artifact hash checked independently (lib/lakehash.py);
# a 403 on a revision is reported, not walked past; --mappings-only; unstage over read-only
# files; add; bad names and non-flat staging dirs refused with line numbers; a corrupt upstream
# body rejected, not stored, named, the others still land; two projects fetching the same
# artifacts at once download each once (nginx access log).
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/s3peer.sh"
LAKEHASH="/usr/bin/python3 $(cd "$(dirname "$0")" && pwd)/lib/lakehash.py"
VECTORS="$LEANCACHE_SHARED_DIR/vectors/ltar/m/P"

lc_setup
s3peer_available || exit 77
unset LAKE_CACHE_DIR LAKE_CONFIG LAKE_CACHE_KEY LAKE_CACHE_ARTIFACT_ENDPOINT LAKE_CACHE_REVISION_ENDPOINT \
  LAKE_CACHE_SERVICE ELAN_TOOLCHAIN ELAN_HOME RESERVOIR_API_URL LEANCACHE_MAX_CACHE_SIZE || true
export HOME="$LC_TMP/home"
mkdir -p "$HOME"
W="$LC_TMP/w"
mkdir -p "$W"
TOOLCHAIN="leanprover/lean4:v4.30.0"
TCDIR="leanprover--lean4---v4.30.0"
export S3_ACCESS_KEY=AKIDLAKETEST S3_SECRET_KEY=lake/secret+KEY0123456789
KEY="$S3_ACCESS_KEY:$S3_SECRET_KEY"

s3peer_start "$W/s3" >/dev/null
mkdir -p "$W/s3/bucket"
nginx_start "$W/s3/bucket" "$W/nginx" >/dev/null
ACCESS_LOG="$W/nginx/logs/access.log"
lc_start_daemon --idle-timeout 0

cat >"$W/config.toml" <<TOML
cache.defaultUploadService = "up"
[[cache.service]]
name = "pub"
kind = "s3"
artifactEndpoint = "$NGINX_URL/artifacts"
revisionEndpoint = "$NGINX_URL/revisions"
[[cache.service]]
name = "up"
type = "s3"
artifactEndpoint = "$S3PEER_URL/bucket/artifacts"
revisionEndpoint = "$S3PEER_URL/bucket/revisions"
[[cache.service]]
name = "deny"
kind = "s3"
artifactEndpoint = "$NGINX_URL/artifacts"
revisionEndpoint = "$S3PEER_URL/bucket/revisions"
TOML
export LAKE_CONFIG="$W/config.toml"

# --- the producer: a package with 3 commits and a populated Lake cache ----------------------------
P="$W/prod"
mkdir -p "$P"
printf 'name = "fixture"\nplatformIndependent = true\n' >"$P/lakefile.toml"
printf '%s\n' "$TOOLCHAIN" >"$P/lean-toolchain"
git -C "$P" init -q
git -C "$P" -c user.name=t -c user.email=t@t add -A
for i in 1 2 3; do
  echo "-- $i" >>"$P/Fixture.lean"
  git -C "$P" add -A
  git -C "$P" -c user.name=t -c user.email=t@t commit -qm "commit $i"
done
C1=$(git -C "$P" rev-parse HEAD~2); C2=$(git -C "$P" rev-parse HEAD~1); C3=$(git -C "$P" rev-parse HEAD)
PCACHE="$W/pcache"
mkdir -p "$PCACHE/artifacts"
lc_fixture "$W/gen" 3 --artifacts
ILEAN=$(find "$W/gen" -name '*.ilean' | head -1)
CFILE=$(find "$W/gen" -name '*.c' | head -1)
[ -s "$ILEAN" ] && [ -s "$CFILE" ] || fail "fixturegen wrote no .ilean/.c"
# put_art FILE EXT: copies FILE into the producer cache under its Lake hash; prints the name.
put_art() {
  local h
  h=$($LAKEHASH "$1" | cut -d' ' -f1)
  install -m 0444 "$1" "$PCACHE/artifacts/$h.$2"
  echo "$h.$2"
}
head -c 777 /dev/urandom >"$W/m.ir"; head -c 64 /dev/urandom >"$W/m.irsig"
OLEAN=$(put_art "$VECTORS/Attr.olean" olean); OSRV=$(put_art "$VECTORS/Attr.olean.server" olean.server)
OPRV=$(put_art "$VECTORS/Attr.olean.private" olean.private); IL=$(put_art "$ILEAN" ilean)
CC=$(put_art "$CFILE" c); IR=$(put_art "$W/m.ir" ir); IRS=$(put_art "$W/m.irsig" ir.sig)
LTARS=()
for i in 1 2 3 4 5 6; do
  { printf 'LTR4'; head -c $((3000 + i * 517)) /dev/urandom; } >"$W/m$i.ltar"
  LTARS+=("$(put_art "$W/m$i.ltar" ltar)")
done
IN_MOD=00000000000abc01
{
  echo '"2026-03-17"'
  printf '["%s",{"c":"%s","i":"%s","m":false,"o":["%s","%s","%s"],"r":"%s","rs":"%s"}]\n' \
    "$IN_MOD" "$CC" "$IL" "$OLEAN" "$OSRV" "$OPRV" "$IR" "$IRS"
  for i in 1 2 3 4 5 6; do printf '["%016x","%s"]\n' "$i" "${LTARS[$((i - 1))]}"; done
} >"$W/outputs.jsonl"
ALL_ARTS=("$OLEAN" "$OSRV" "$OPRV" "$IL" "$CC" "$IR" "$IRS" "${LTARS[@]}")

# --- stage ------------------------------------------------------------------------------------------
out=$(LAKE_CACHE_DIR="$PCACHE" "$LEANCACHE" -C "$P" lake stage "$W/outputs.jsonl" "$W/stage" 2>&1) || fail "stage: $out"
cmp "$W/outputs.jsonl" "$W/stage/outputs.jsonl" || fail "stage: outputs.jsonl differs"
for a in "${ALL_ARTS[@]}"; do cmp "$PCACHE/artifacts/$a" "$W/stage/$a" || fail "stage: $a differs"; done
expect_eq "$(ls "$W/stage" | wc -l)" "$((${#ALL_ARTS[@]} + 1))" "staged files"
pass "stage: outputs.jsonl + ${#ALL_ARTS[@]} flat artifacts"

# --- put-staged ---------------------------------------------------------------------------------------
set +e
out=$(LAKE_CACHE_KEY="$KEY" "$LEANCACHE" -C "$P" lake put-staged "$W/stage" --repo owner/fixture 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "put-staged without --rev"
expect_contains "$out" 'the `--rev` option must be set' "put-staged without --rev"
set +e
out=$(LAKE_CACHE_KEY="$S3_ACCESS_KEY:wrong" "$LEANCACHE" -C "$P" lake put-staged "$W/stage" --rev "$C2" \
  --service up --repo owner/fixture --toolchain "$TOOLCHAIN" 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "put-staged with a wrong key"
expect_contains "$out" "error 403" "put-staged with a wrong key (the peer verifies SigV4)"
[ ! -e "$W/s3/bucket/revisions" ] || fail "mappings uploaded although the artifacts failed"
out=$(LAKE_CACHE_KEY="$KEY" "$LEANCACHE" -C "$P" lake put-staged "$W/stage" --rev "$C2" \
  --repo owner/fixture --toolchain "$TOOLCHAIN" 2>&1) || fail "put-staged: $out"
REV_OBJ="$W/s3/bucket/revisions/owner/fixture/tc/$TCDIR/$C2.jsonl"
cmp "$W/outputs.jsonl" "$REV_OBJ" || fail "put-staged: the revision mapping is not byte-for-byte"
for a in "${ALL_ARTS[@]}"; do
  cmp "$PCACHE/artifacts/$a" "$W/s3/bucket/artifacts/owner/fixture/${a%%.*}.art" || fail "put-staged: $a not uploaded as .art"
done
if grep -rqF "$S3_SECRET_KEY" "$LC_TMP/state" 2>/dev/null; then fail "LAKE_CACHE_KEY secret found in the daemon's state/logs"; fi
pass "put-staged: ${#ALL_ARTS[@]} artifacts + mapping (SigV4 verified, default upload service, tc/ path)"

# --- get --repo: walk back over the history ----------------------------------------------------------
C="$W/cons"
git clone -q "$P" "$C"
CC_DIR="$W/ccache"
: >"$ACCESS_LOG"
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1) || fail "get: $out"
expect_contains "$out" "found outputs for revision $C2" "get walks back"
grep -q "GET /revisions/owner/fixture/tc/$TCDIR/$C3.jsonl HTTP/[0-9.]*\" 404" "$ACCESS_LOG" || fail "HEAD's revision was not asked (404): $(cat "$ACCESS_LOG")"
grep -q "GET /revisions/owner/fixture/tc/$TCDIR/$C2.jsonl HTTP/[0-9.]*\" 200" "$ACCESS_LOG" || fail "commit 2's revision not fetched"
cmp <(printf '%s' "$(cat "$W/outputs.jsonl")") "$CC_DIR/revisions/fixture/$C2.jsonl" || fail "revisions file not Lake's trimmed body"
for a in "${ALL_ARTS[@]}"; do
  f="$CC_DIR/artifacts/$a"
  cmp "$PCACHE/artifacts/$a" "$f" || fail "get: $a differs"
  expect_eq "$($LAKEHASH "$f" | cut -d' ' -f1)" "${a%%.*}" "Lake hash of $a"
  expect_eq "$(stat -c %a "$f")" "444" "mode of $a"
done
expected_ltar=$(printf '{"service": "pub",\n "schemaVersion": "2026-02-25",\n "repo": "owner/fixture",\n "data": "%s"}' "${LTARS[0]}")
cmp <(printf '%s' "$expected_ltar") "$CC_DIR/outputs/fixture/0000000000000001.json" || fail "outputs JSON (ltar) not byte-exact: $(cat "$CC_DIR/outputs/fixture/0000000000000001.json")"
expected_mod=$(printf '{"service": "pub",\n "schemaVersion": "2026-02-25",\n "repo": "owner/fixture",\n "data":\n {"rs": "%s",\n  "r": "%s",\n  "o":\n  ["%s",\n   "%s",\n   "%s"],\n  "m": false,\n  "i": "%s",\n  "c": "%s"}}' \
  "$IRS" "$IR" "$OLEAN" "$OSRV" "$OPRV" "$IL" "$CC")
cmp <(printf '%s' "$expected_mod") "$CC_DIR/outputs/fixture/$IN_MOD.json" || fail "outputs JSON (module) not byte-exact: $(cat "$CC_DIR/outputs/fixture/$IN_MOD.json")"
expect_eq "$(ls "$CC_DIR/outputs/fixture" | wc -l)" 7 "outputs files"
pass "get --repo: 404 at HEAD walked past, commit 2 found, layout byte-exact, ${#ALL_ARTS[@]} hashes verified"

out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1) || fail "no-op get: $out"
expect_contains "$out" "0 downloaded" "no-op get"
expect_contains "$out" "${#ALL_ARTS[@]} already present" "no-op get"
pass "no-op get: local revision file used, nothing downloaded"

# The daemon remembers a get that had nothing to do (watched by inotify); a change in the Lake
# cache must still be seen: a deleted artifact is downloaded again, a damaged outputs file rewritten.
for _ in 1 2; do
  out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1) || fail "repeated no-op get: $out"
  expect_contains "$out" "found outputs for revision $C2" "repeated no-op get"
  expect_contains "$out" "${#ALL_ARTS[@]} artifacts: 0 downloaded (0 bytes), ${#ALL_ARTS[@]} already present, 0 failed" "repeated no-op get"
done
rm -f "$CC_DIR/artifacts/$IL"
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1) || fail "get after a deletion: $out"
expect_contains "$out" "1 downloaded" "get after an artifact was deleted"
cmp "$PCACHE/artifacts/$IL" "$CC_DIR/artifacts/$IL" || fail "the deleted artifact did not come back"
chmod u+w "$CC_DIR/outputs/fixture/0000000000000001.json" 2>/dev/null || true
printf '{}' >"$CC_DIR/outputs/fixture/0000000000000001.json"
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1) || fail "get after damage: $out"
cmp <(printf '%s' "$expected_ltar") "$CC_DIR/outputs/fixture/0000000000000001.json" || fail "a damaged outputs file was not rewritten"
pass "repeated no-op gets answered alike; a deleted artifact and a damaged outputs file are still noticed and repaired"

# --- a 403 on a revision is reported, not walked past ------------------------------------------------
set +e
out=$(LAKE_CACHE_DIR="$W/c403" "$LEANCACHE" -C "$C" lake get --service deny --repo owner/fixture 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "get with a 403 revision endpoint"
expect_contains "$out" "failed to GET URL, error 403" "403 reported"
expect_contains "$out" "$C3.jsonl" "403 on HEAD's revision"
expect_contains "$out" "output lookup failed" "403 ends the lookup"
grep -qF "$C2" <<<"$out" && fail "walked past a 403: $out"
[ -z "$(ls "$W/c403/revisions/fixture" 2>/dev/null)" ] || fail "a revision file was written after a 403"
pass "403 on a missing revision: reported, exit 1, not walked past"

# --- --mappings-only -----------------------------------------------------------------------------------
out=$(LAKE_CACHE_DIR="$W/cmo" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture --mappings-only 2>&1) || fail "mappings-only: $out"
expect_eq "$(ls "$W/cmo/outputs/fixture" | wc -l)" 7 "mappings-only outputs"
[ -z "$(ls -A "$W/cmo/artifacts" 2>/dev/null)" ] || fail "--mappings-only downloaded artifacts"
pass "--mappings-only: 7 mappings, no artifacts"

# --- unstage (over read-only files and into an empty cache), add ------------------------------------
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake unstage "$W/stage" 2>&1) || fail "unstage over read-only: $out"
expect_contains "$out" "${#ALL_ARTS[@]} already cached" "unstage over read-only files"
out=$(LAKE_CACHE_DIR="$W/cun" "$LEANCACHE" -C "$C" lake unstage "$W/stage" 2>&1) || fail "unstage: $out"
for a in "${ALL_ARTS[@]}"; do cmp "$PCACHE/artifacts/$a" "$W/cun/artifacts/$a" || fail "unstage: $a"; done
grep -q '"service": null' "$W/cun/outputs/fixture/0000000000000001.json" || fail "unstage outputs"
out=$(LAKE_CACHE_DIR="$W/cadd" "$LEANCACHE" -C "$C" lake add "$W/outputs.jsonl" --service pub --repo owner/fixture 2>&1) || fail "add: $out"
cmp <(printf '%s' "$expected_ltar") "$W/cadd/outputs/fixture/0000000000000001.json" || fail "add: outputs JSON"
pass "unstage over read-only files, unstage into an empty cache, add"

# --- bad input -----------------------------------------------------------------------------------------
{ echo '"2026-03-17"'; printf '["%016x","%s"]\n' 1 "${LTARS[0]}"; echo '["0000000000000002","0.art/../../../proc/self/environ"]'; } >"$W/bad.jsonl"
for verb in "stage $W/bad.jsonl $W/badstage" "add $W/bad.jsonl" "get $W/bad.jsonl --service pub --repo owner/fixture"; do
  set +e
  # shellcheck disable=SC2086
  out=$(LAKE_CACHE_DIR="$W/cbad" "$LEANCACHE" -C "$C" lake $verb 2>&1); rc=$?
  set -e
  expect_eq "$rc" 1 "lake $verb"
  expect_contains "$out" "line 3: invalid artifact name '0.art/../../../proc/self/environ'" "lake $verb"
done
[ ! -e "$W/badstage" ] && [ ! -e "$W/cbad/outputs" ] || fail "something was written for a refused mapping file"
{ echo '"2026-03-17"'; echo '["0000000000000001",'; } >"$W/badjson.jsonl"
set +e; out=$(LAKE_CACHE_DIR="$W/cbad" "$LEANCACHE" -C "$C" lake add "$W/badjson.jsonl" 2>&1); rc=$?; set -e
expect_eq "$rc" 1 "malformed JSON line"
expect_contains "$out" "line 2: invalid JSON" "malformed JSON line"
cp -r "$W/stage" "$W/stage2"; mkdir "$W/stage2/sub"
set +e; out=$(LAKE_CACHE_KEY="$KEY" "$LEANCACHE" -C "$P" lake put-staged "$W/stage2" --rev "$C1" --repo owner/fixture 2>&1); rc=$?; set -e
expect_eq "$rc" 1 "non-flat staging dir"
expect_contains "$out" "'sub' is not a regular file" "non-flat staging dir"
[ ! -e "$W/s3/bucket/revisions/owner/fixture/$C1.jsonl" ] || fail "non-flat staging dir uploaded"
pass "bad names refused with the line number, malformed JSON named, non-flat staging dir refused, nothing written"

# --- a corrupt upstream body --------------------------------------------------------------------------
BAD=${LTARS[2]}
BAD_OBJ="$W/s3/bucket/artifacts/owner/fixture/${BAD%%.*}.art"
cp "$BAD_OBJ" "$W/good.art"
printf 'garbage' | dd of="$BAD_OBJ" bs=1 seek=100 conv=notrunc status=none
set +e
out=$(LAKE_CACHE_DIR="$W/ccor" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "get with a corrupt artifact"
expect_contains "$out" "$BAD" "the corrupt artifact is named"
expect_contains "$out" "hash mismatch" "the corrupt artifact is named"
expect_contains "$out" "failed to download some artifacts" "get with a corrupt artifact"
[ ! -e "$W/ccor/artifacts/$BAD" ] || fail "the corrupt artifact was stored"
for a in "${ALL_ARTS[@]}"; do [ "$a" == "$BAD" ] || cmp "$PCACHE/artifacts/$a" "$W/ccor/artifacts/$a" || fail "$a did not land"; done
[ -z "$(find "$W/ccor/artifacts" -name '.lctmp.*')" ] || fail "temp files left behind"
cp "$W/good.art" "$BAD_OBJ"
pass "corrupt upstream body rejected, not stored, named; the other $((${#ALL_ARTS[@]} - 1)) landed"

# --- two projects at once: each artifact downloaded once -----------------------------------------------
git clone -q "$P" "$W/cons2"
: >"$ACCESS_LOG"
LAKE_CACHE_DIR="$W/cshared" "$LEANCACHE" -C "$C" lake get --service pub --repo owner/fixture >"$W/g1.out" 2>&1 &
g1=$!
LAKE_CACHE_DIR="$W/cshared" "$LEANCACHE" -C "$W/cons2" lake get --service pub --repo owner/fixture >"$W/g2.out" 2>&1 &
g2=$!
wait $g1 || fail "project 1: $(cat "$W/g1.out")"
wait $g2 || fail "project 2: $(cat "$W/g2.out")"
for a in "${ALL_ARTS[@]}"; do
  n=$(grep -c "GET /artifacts/owner/fixture/${a%%.*}.art " "$ACCESS_LOG" || true)
  expect_eq "$n" 1 "downloads of $a by two projects"
done
pass "two projects at once: each of ${#ALL_ARTS[@]} artifacts downloaded once"

# --- services, gc, clean -------------------------------------------------------------------------------
out=$("$LEANCACHE" -C "$C" lake services)
expect_eq "$out" "$(printf 'pub\nup\ndeny')" "services"
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake gc --max-size=1 2>&1) || fail "gc: $out"
expect_contains "$out" "evicted" "gc"
out=$(LAKE_CACHE_DIR="$CC_DIR" "$LEANCACHE" -C "$C" lake clean 2>&1) || fail "clean: $out"
[ ! -e "$CC_DIR" ] || fail "clean left $CC_DIR"
pass "services, gc, clean"
