#!/usr/bin/env bash
# pack + put round trips against real servers on 127.0.0.1: nginx WebDAV (plain HTTP PUT) and
# an S3 endpoint that verifies SigV4. Pack a generated workspace with built artifacts, put,
# wipe CACHEDIR and the build directories, get from the same server: byte-identical trees.
# A second put uploads nothing new; missing credentials name the variables and exit 1; a
# wrong S3 secret fails with 403 and never shows the secret.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/s3peer.sh"
lc_setup
src="$LC_TMP/src"
lc_fixture "$src" 60 --artifacts
(cd "$src" && git init -q && git add -A >/dev/null && git -c user.email=t@t -c user.name=t commit -qm fixture)
lc_start_daemon --idle-timeout 0
tree_of() { (cd "$1" && find . -path '*/.lake/build/*' -type f ! -name '*.trace' ! -name '.mathlib-cache-roothash' | sort | xargs sha256sum); }
# The restored outputs must equal the originals byte for byte, and every uploaded module must be
# back (one .olean per archive; Archive/Counterexamples are not reachable from Mathlib).
check_round_trip() {  # check_round_trip LABEL UPLOADED
  tree_of "$src" >"$LC_TMP/restored.sums"
  (cd "$src" && sha256sum -c --quiet "$LC_TMP/restored.sums") >/dev/null 2>&1 || fail "$1: restored files unreadable"
  comm -13 <(sort "$LC_TMP/built.sums") <(sort "$LC_TMP/restored.sums") >"$LC_TMP/diff"
  [ ! -s "$LC_TMP/diff" ] || fail "round trip through $1 differs: $(head -3 "$LC_TMP/diff")"
  local oleans
  oleans=$(grep -c '\.olean$' "$LC_TMP/restored.sums" || true)
  expect_eq "$oleans" "$2" "modules restored through $1"
}
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
wipe() {  # drop the archives and every build output
  rm -rf "$MATHLIB_CACHE_DIR"
  find "$src" -path '*/.lake/build' -prune -exec rm -rf {} +
}
tree_of "$src" >"$LC_TMP/built.sums"
[ -s "$LC_TMP/built.sums" ] || fail "fixture has no build outputs"

# Missing credentials: a clear error naming the variables, exit 1.
set +e
out=$(env -u MATHLIB_CACHE_PUT_URL "$LEANCACHE" -C "$src" put 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "put without credentials"
expect_contains "$out" "MATHLIB_CACHE_AZURE_BEARER_TOKEN or MATHLIB_CACHE_SAS must be set" "missing credentials message"
pass "put without credentials: exit 1, names the variables"

# nginx WebDAV.
mkdir -p "$LC_TMP/dav"
nginx_start "$LC_TMP/dav" "$LC_TMP/nginx" >/dev/null
export MATHLIB_CACHE_DIR="$LC_TMP/cache-dav"
out=$(MATHLIB_CACHE_PUT_URL="$NGINX_URL" "$LEANCACHE" -C "$src" --json put 2>"$LC_TMP/put.err") || fail "put to nginx failed: $(cat "$LC_TMP/put.err")"
uploaded=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["uploaded"])' "$out")
[ "$uploaded" -gt 50 ] || fail "only $uploaded archives uploaded: $out"
grep -q "packing ./Mathlib/" "$LC_TMP/put.err" || grep -q "packing ./Mathlib/" <<<"$out" || true
out=$(MATHLIB_CACHE_PUT_URL="$NGINX_URL" "$LEANCACHE" -C "$src" --json put 2>/dev/null) || fail "second put failed"
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["uploaded"]==0 and s["already_present"]==int(sys.argv[2]), s' "$out" "$uploaded" \
  || fail "second put uploaded again: $out"
wipe
MATHLIB_CACHE_GET_URL="$NGINX_URL" "$LEANCACHE" -C "$src" get >/dev/null 2>"$LC_TMP/get.err" || fail "get back from nginx failed: $(cat "$LC_TMP/get.err")"
check_round_trip nginx "$uploaded"
pass "nginx WebDAV: put $uploaded archives, second put uploaded nothing, get gave byte-identical outputs"

# S3 with SigV4 verification; objects are read back through nginx serving the bucket directory.
if s3peer_available; then
  mkdir -p "$LC_TMP/s3"
  s3peer_start "$LC_TMP/s3" >/dev/null
  export MATHLIB_CACHE_DIR="$LC_TMP/cache-s3"
  # The fixture's build outputs were restored by the get above.
  s3env=(MATHLIB_CACHE_S3_ACCESS_KEY_ID=AKIDEXAMPLE MATHLIB_CACHE_S3_REGION=us-east-1
         MATHLIB_CACHE_PUT_BASE_URL="$S3PEER_URL/bucket")
  set +e
  out=$(env "${s3env[@]}" MATHLIB_CACHE_S3_SECRET_ACCESS_KEY="wrong-secret-value" "$LEANCACHE" -C "$src" put 2>&1)
  rc=$?
  set -e
  expect_eq "$rc" "1" "put with a wrong S3 secret"
  expect_contains "$out" "403" "wrong secret message"
  ! grep -q "wrong-secret-value" <<<"$out" || fail "the secret appeared in the output"
  pass "S3 wrong secret: exit 1, 403, secret not shown"
  out=$(env "${s3env[@]}" MATHLIB_CACHE_S3_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" "$LEANCACHE" -C "$src" --json put 2>"$LC_TMP/s3.err") \
    || fail "put to S3 failed: $(cat "$LC_TMP/s3.err")"
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["uploaded"]==int(sys.argv[2]), s' "$out" "$uploaded" || fail "S3 put: $out"
  s3peer_stop || true
  wipe
  dav_workdir=$NGINX_DIR
  nginx_start "$LC_TMP/s3/bucket" "$LC_TMP/nginx-s3" >/dev/null
  MATHLIB_CACHE_GET_URL="$NGINX_URL" "$LEANCACHE" -C "$src" get >/dev/null 2>"$LC_TMP/get.err" || fail "get back of the S3 objects failed: $(cat "$LC_TMP/get.err")"
  nginx_stop "$LC_TMP/nginx-s3"
  NGINX_DIR=$dav_workdir
  check_round_trip S3 "$uploaded"
  pass "S3 SigV4: put $uploaded archives, get back gave byte-identical outputs"
else
  echo "skip: S3 peer unavailable (python3-botocore missing)"
fi
nginx_stop
echo "put: all checks passed"
