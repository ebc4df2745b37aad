#!/usr/bin/env bash
# The loopback cache service for Lake (daemon/lakesvc), driven with the exact curl command lines
# Lake uses (spec lake-native-cache-2026.md §3.6) against real leancached daemons, a real nginx
# upstream (anonymous reads) and the SigV4-verifying S3 peer (write-through, 403 upstream):
#   * mapping PUT (`-w '%{stderr}%{json}\n'`) gets 200, never 201; batch `curl -Z -X PUT` and
#     `curl -Z -X GET` of artifacts; bytes, status codes and the store checked;
#   * unsigned, wrong-key, tampered-body and colliding-name PUTs refused, nothing stored;
#   * read-through from nginx, a corrupt upstream body rejected (502, named) and not stored;
#   * a revision miss is 404 and not remembered; an upstream 403 is 502, never 404;
#   * two projects and two users (system daemon) fetching one artifact: one upstream request;
#     another local user gets nothing from a per-user daemon; `leancache lake get` of two users
#     (their per-user daemons) with the system daemon as their Lake service: fetched upstream once;
#   * write-through to the S3 peer, signed with the registered key.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/s3peer.sh"
lc_setup
LAKEHASH="$(dirname "$0")/lib/lakehash.py"
KEY="AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WRONG_KEY="AKIDEXAMPLE:not-the-secret"
lakehash() { /usr/bin/python3 "$LAKEHASH" "$1" | cut -c1-16; }

# start_service NAME CONFIG_JSON [leancached args...]: a daemon with its own socket, state,
# config and store under $LC_TMP/NAME, serving Lake on a free port (retried if taken).
start_service() {
  local name=$1 config=$2 dir="$LC_TMP/$1" port attempt
  shift 2
  mkdir -p "$dir/config/leancache" "$dir/state"
  printf '%s\n' "$config" >"$dir/config/leancache/config.json"
  for attempt in 1 2 3; do
    port=$(free_port)
    if XDG_CONFIG_HOME="$dir/config" "$LEANCACHED" --socket "$dir/d.sock" --state-dir "$dir/state" \
        --lake-service-dir "$dir/lake" --lake-http "127.0.0.1:$port" "$@" 2>"$dir/start.err"; then
      printf '%s' "$port" >"$dir/port"
      return 0
    fi
    grep -q "address in use" "$dir/start.err" || break
  done
  fail "daemon $name did not start: $(cat "$dir/start.err")"
}
register_key() {  # register_key NAME KEY: what `leancache lake setup` does with LAKE_CACHE_KEY
  printf '%s\n' "$2" >"$LC_TMP/$1/state/lake-service.key"
  chmod 600 "$LC_TMP/$1/state/lake-service.key"
}
# The `-w '%{json}'` objects curl wrote to FILE (curl 7.88's -Z progress meter may share lines).
# code_of FILE: the http_code of the first one; codes_of FILE: "urlnum:http_code:exitcode" each.
json_of() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
rows, dec = [], json.JSONDecoder()
for line in open(sys.argv[1], errors="replace"):
    i = line.find('{"')
    while i >= 0:
        obj, end = dec.raw_decode(line, i)
        rows.append(obj)
        i = line.find('{"', end)
if sys.argv[2] == "first":
    print(rows[0]["http_code"])
else:
    for r in sorted(rows, key=lambda r: r["urlnum"]):
        print("%d:%d:%d" % (r["urlnum"], r["http_code"], r.get("exitcode") or 0))
PY
}
code_of() { json_of "$1" first; }
codes_of() { json_of "$1" all; }

# Upstream: nginx serving S3-style /artifacts and /revisions, anonymous reads.
up="$LC_TMP/up"
mkdir -p "$up/artifacts" "$up/revisions"
nginx_start "$up" "$LC_TMP/nginx" >/dev/null || fail "nginx did not start"
start_service a "{\"lake_service\": {\"upstream\": {\"artifact_endpoint\": \"$NGINX_URL/artifacts\",
  \"revision_endpoint\": \"$NGINX_URL/revisions\"}}}"
A="http://127.0.0.1:$(cat "$LC_TMP/a/port")"
STORE="$LC_TMP/a/lake/artifacts"
REVS="$LC_TMP/a/lake/revisions"
pass "daemon serving Lake at $A, upstream $NGINX_URL"

# `leancache lake setup`: the stanza, merged into Lake's config.toml, and LAKE_CACHE_KEY registered.
export HOME="$LC_TMP/home"
mkdir -p "$HOME/.lake"
printf '# mine\ncache.defaultUploadService = "r2"\n' >"$HOME/.lake/config.toml"
lake_setup() { LEANCACHE_SOCKET="$LC_TMP/a/d.sock" "$LEANCACHE" lake setup "$@"; }
out=$(env -u LAKE_CACHE_KEY LEANCACHE_SOCKET="$LC_TMP/a/d.sock" "$LEANCACHE" lake setup 2>&1) || fail "lake setup failed: $out"
expect_contains "$out" "artifactEndpoint = \"$A/artifacts\"" "printed stanza"
expect_contains "$out" "LAKE_CACHE_KEY is not set" "note without a key"
[ -e "$LC_TMP/a/state/lake-service.key" ] && fail "a key was registered without LAKE_CACHE_KEY"
out=$(LAKE_CACHE_KEY="$KEY" lake_setup --write 2>&1) || fail "lake setup --write failed: $out"
expect_contains "$out" "Wrote cache service \`leancache\`" "setup --write message"
grep -qF -- "${KEY#*:}" <<<"$out" && fail "setup printed the secret"
expect_eq "$(head -2 "$HOME/.lake/config.toml")" "# mine
cache.defaultUploadService = \"r2\"" "the user's config lines kept"
grep -qF "revisionEndpoint = \"$A/revisions\"" "$HOME/.lake/config.toml" || fail "stanza not written: $(cat "$HOME/.lake/config.toml")"
expect_eq "$(stat -c %a "$LC_TMP/a/state/lake-service.key")" "600" "registered key file mode"
out=$(LAKE_CACHE_KEY="$KEY" lake_setup --write 2>&1) || fail "second lake setup --write failed: $out"
expect_contains "$out" "Already configured" "setup --write is idempotent"
pass "lake setup prints the stanza, --write merges it into config.toml (user lines kept), LAKE_CACHE_KEY registered 0600"

# Artifacts of several sizes (one above curl's 1 MiB Expect threshold), named by Lake's hash.
work="$LC_TMP/work"
mkdir -p "$work/staged" "$work/got"
for size in 0 7 4096 70000 1500000; do
  head -c "$size" /dev/urandom >"$work/blob"
  h=$(lakehash "$work/blob")
  mv "$work/blob" "$work/staged/$h.art"
done
mapfile -t HASHES < <(ls "$work/staged" | sed 's/\.art$//')

# 1. Batch artifact upload, exactly as Lake's transferArtifacts .put.
: >"$work/put.cfg"
for h in "${HASHES[@]}"; do
  printf -- '-T "%s"\nurl = "%s"\n' "$work/staged/$h.art" "$A/artifacts/owner/repo/$h.art" >>"$work/put.cfg"
done
curl -Z -X PUT -L -H 'Content-Type: application/vnd.reservoir.artifact' --retry 3 \
  --aws-sigv4 aws:amz:auto:s3 --user "$KEY" -s -w '%{stderr}%{json}\n' --config "$work/put.cfg" \
  >"$work/put.out" 2>"$work/put.json" || fail "batch PUT: curl failed: $(cat "$work/put.out")"
expect_eq "$(codes_of "$work/put.json" | cut -d: -f2,3 | sort -u)" "200:0" "batch PUT status of every artifact"
[ -s "$work/put.out" ] && fail "batch PUT printed an error body: $(cat "$work/put.out")"
for h in "${HASHES[@]}"; do
  cmp -s "$work/staged/$h.art" "$STORE/$h.art" || fail "store copy of $h.art differs or is missing"
  [ "$(stat -c %a "$STORE/$h.art")" = 444 ] || fail "$h.art is not read-only in the store"
done
pass "batch PUT (curl -Z --aws-sigv4): ${#HASHES[@]} artifacts 200, stored byte-identical and read-only"

# 2. The mapping upload (uploadS3) must get 200 exactly: Lake counts 201 as a failure.
REV=0123456789abcdef0123456789abcdef01234567
printf '"2026-03-17"\n["00000000000000aa",{"o":["%s.olean"]}]\n' "${HASHES[2]}" >"$work/map.jsonl"
MAP_URL="$A/revisions/owner/repo/tc/leanprover--lean4---v4.35.0/$REV.jsonl"
curl -s -w '%{stderr}%{json}\n' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
  -X PUT -T "$work/map.jsonl" "$MAP_URL" -H 'Content-Type: application/vnd.reservoir.outputs+json-lines' \
  >"$work/map.out" 2>"$work/map.json"
expect_eq "$(code_of "$work/map.json")" "200" "mapping PUT status"
cmp -s "$work/map.jsonl" "$REVS/owner/repo/tc/leanprover--lean4---v4.35.0/$REV.jsonl" \
  || fail "the stored mapping differs from the uploaded one"
out=$(curl -s -L -w '%{stderr}%{json}\n' --retry 3 "$MAP_URL" 2>"$work/mapget.json")
expect_eq "$(code_of "$work/mapget.json")" "200" "mapping GET status"
expect_eq "$out" "$(cat "$work/map.jsonl")" "mapping GET body"
pass "mapping PUT answered 200 (not 201), stored, and served back by the getUrl? curl line"

# 3. Batch download, exactly as Lake's transferArtifacts .get, from another scope.
: >"$work/get.cfg"
for h in "${HASHES[@]}"; do
  printf 'url = "%s"\n-o "%s"\n' "$A/artifacts/another/project/$h.art" "$work/got/$h.art.tmp" >>"$work/get.cfg"
done
curl -Z -X GET -L --retry 3 -s -w '%{stderr}%{json}\n' --config "$work/get.cfg" >/dev/null 2>"$work/get.json" \
  || fail "batch GET: curl failed"
expect_eq "$(codes_of "$work/get.json" | cut -d: -f2,3 | sort -u)" "200:0" "batch GET status of every artifact"
for h in "${HASHES[@]}"; do
  expect_eq "$(lakehash "$work/got/$h.art.tmp")" "$h" "Lake hash of the downloaded $h.art"
done
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$A/artifacts/x/${HASHES[1]}.art")
expect_eq "$ctype" "application/vnd.reservoir.artifact" "artifact content type"
head_len=$(curl -s -I "$A/artifacts/x/${HASHES[4]}.art" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-length"{print $2}')
expect_eq "$head_len" "$(stat -c %s "$work/staged/${HASHES[4]}.art")" "HEAD Content-Length"
pass "batch GET (curl -Z): every artifact 200 with the right Lake hash; HEAD gives the size"

# 4. Refused writes: nothing is stored by any of them.
head -c 3000 /dev/urandom >"$work/new.art"
hn=$(lakehash "$work/new.art")
code=$(curl -s -o "$work/r.out" -w '%{http_code}' -X PUT -T "$work/new.art" "$A/artifacts/s/$hn.art")
expect_eq "$code" "403" "unsigned artifact PUT"
code=$(curl -s -o "$work/r.out" -w '%{http_code}' -X PUT -T "$work/map.jsonl" "$A/revisions/s/$REV.jsonl")
expect_eq "$code" "403" "unsigned revision PUT"
code=$(curl -s -o "$work/r.out" -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$WRONG_KEY" \
  -X PUT -T "$work/new.art" "$A/artifacts/s/$hn.art")
expect_eq "$code" "403" "PUT signed with the wrong key"
expect_contains "$(cat "$work/r.out")" "SignatureDoesNotMatch" "wrong-key error body"
# Tampered body: signed for one payload hash, another body sent.
code=$(curl -s -o "$work/r.out" -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
  -H "x-amz-content-sha256: $(sha256sum "$work/staged/${HASHES[2]}.art" | cut -d' ' -f1)" \
  -X PUT -T "$work/new.art" "$A/artifacts/s/$hn.art")
expect_eq "$code" "400" "PUT whose body does not match its signed x-amz-content-sha256"
expect_contains "$(cat "$work/r.out")" "XAmzContentSHA256Mismatch" "tampered-body error body"
# Colliding names: correctly signed, but the body does not hash to the name it claims, for a
# name not yet stored and for one that is (whose stored copy must stay as it was).
printf 'never uploaded' >"$work/absent"
hfree=$(lakehash "$work/absent")
victim=${HASHES[3]}
for name in "$hfree" "$victim"; do
  code=$(curl -s -o "$work/r.out" -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
    -X PUT -T "$work/new.art" "$A/artifacts/s/$name.art")
  expect_eq "$code" "400" "PUT of a body under the name $name it does not hash to"
  expect_contains "$(cat "$work/r.out")" "BadDigest" "colliding-name error body"
done
[ -e "$STORE/$hfree.art" ] && fail "a refused body was stored under the colliding name"
cmp -s "$work/staged/$victim.art" "$STORE/$victim.art" || fail "a colliding PUT changed the stored $victim.art"
[ -e "$STORE/$hn.art" ] && fail "a refused body was stored as $hn.art"
[ -e "$REVS/s/$REV.jsonl" ] && fail "an unsigned revision was stored"
# Chunked upload (no Content-Length) of a correct body is accepted.
code=$(curl -s -o "$work/r.out" -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
  -X PUT -T - "$A/artifacts/s/$hn.art" <"$work/new.art")
expect_eq "$code" "200" "chunked signed PUT"
cmp -s "$work/new.art" "$STORE/$hn.art" || fail "chunked PUT not stored"
pass "unsigned (403), wrong-key (403), tampered (400) and colliding-name (400) PUTs refused, nothing stored; chunked PUT 200"

# 5. Read-through from nginx: good artifacts land, a corrupt one is refused and named.
for i in 1 2; do
  head -c $((20000 * i)) /dev/urandom >"$work/up$i"
  hu[$i]=$(lakehash "$work/up$i")
  mkdir -p "$up/artifacts/owner/repo"
  cp "$work/up$i" "$up/artifacts/owner/repo/${hu[$i]}.art"
done
head -c 5000 /dev/urandom >"$work/corrupt"
hbad=$(printf 'some other bytes' >"$work/other" && lakehash "$work/other")
cp "$work/corrupt" "$up/artifacts/owner/repo/$hbad.art"
printf 'url = "%s"\n-o "%s"\n' "$A/artifacts/owner/repo/${hu[1]}.art" "$work/got/u1.tmp" \
  "$A/artifacts/owner/repo/$hbad.art" "$work/got/bad.tmp" \
  "$A/artifacts/owner/repo/${hu[2]}.art" "$work/got/u2.tmp" >"$work/rt.cfg"
curl -Z -X GET -L --retry 3 -s -w '%{stderr}%{json}\n' --config "$work/rt.cfg" >/dev/null 2>"$work/rt.json" || true
expect_eq "$(codes_of "$work/rt.json" | cut -d: -f1,2 | tr '\n' ' ')" "0:200 1:502 2:200 " "read-through statuses (good, corrupt, good)"
cmp -s "$work/up1" "$work/got/u1.tmp" && cmp -s "$work/up2" "$work/got/u2.tmp" || fail "read-through bodies differ"
cmp -s "$work/up1" "$STORE/${hu[1]}.art" || fail "read-through artifact not stored"
[ -e "$STORE/$hbad.art" ] && fail "the corrupt upstream body was stored"
msg=$(cat "$work/got/bad.tmp")
expect_contains "$msg" "corrupt upstream body" "corrupt-body message"
expect_contains "$msg" "$NGINX_URL/artifacts/owner/repo/$hbad.art" "corrupt-body message names the URL"
pass "read-through: 2 artifacts fetched and stored; the corrupt one answered 502 naming $hbad.art, not stored"

# 6. Two projects, one upstream request: the second scope and a parallel burst hit the store.
head -c 30000 /dev/urandom >"$work/shared"
hs=$(lakehash "$work/shared")
for scope in projA projB; do mkdir -p "$up/artifacts/$scope"; cp "$work/shared" "$up/artifacts/$scope/$hs.art"; done
: >"$work/burst.cfg"
for i in $(seq 1 8); do printf 'url = "%s"\n-o "%s"\n' "$A/artifacts/projA/$hs.art" "$work/got/s$i" >>"$work/burst.cfg"; done
curl -Z -X GET -L --retry 3 -s -w '%{stderr}%{json}\n' --config "$work/burst.cfg" >/dev/null 2>"$work/burst.json"
expect_eq "$(codes_of "$work/burst.json" | cut -d: -f2 | sort -u)" "200" "parallel GETs of one artifact"
curl -s -o "$work/got/sB" -w '%{http_code}' "$A/artifacts/projB/$hs.art" >"$work/code"
expect_eq "$(cat "$work/code")" "200" "second project's GET"
cmp -s "$work/shared" "$work/got/sB" || fail "second project's bytes differ"
expect_eq "$(grep -c "/$hs.art HTTP" "$LC_TMP/nginx/logs/access.log")" "1" "upstream requests for the shared artifact"
pass "8 parallel GETs from one project and one from another: 1 upstream request"

# 7. Revisions: a miss is 404 and not remembered; publishing upstream makes the next GET 200.
REV2=89abcdef0123456789abcdef0123456789abcdef
RURL="$A/revisions/owner/repo/$REV2.jsonl"
curl -s -L -w '%{stderr}%{json}\n' --retry 3 "$RURL" >/dev/null 2>"$work/rev1.json"
expect_eq "$(code_of "$work/rev1.json")" "404" "revision GET before it is published"
mkdir -p "$up/revisions/owner/repo"
cp "$work/map.jsonl" "$up/revisions/owner/repo/$REV2.jsonl"
out=$(curl -s -L -w '%{stderr}%{json}\n' --retry 3 "$RURL" 2>"$work/rev2.json")
expect_eq "$(code_of "$work/rev2.json")" "200" "revision GET after it was published upstream"
expect_eq "$out" "$(cat "$work/map.jsonl")" "revision body"
cmp -s "$work/map.jsonl" "$REVS/owner/repo/$REV2.jsonl" || fail "read-through revision not kept"
pass "revision miss 404, not cached: published upstream afterwards, the next GET is 200"

# 8. Write-through to a SigV4-verifying S3 peer (the upload service), and an upstream that
#    answers 403 for a missing revision (R2/S3 without ListBucket): 502, never 404.
if s3peer_available; then
  s3peer_start "$LC_TMP/s3data" || fail "s3peer did not start"
  start_service b "{\"lake_service\": {\"upstream\": {\"artifact_endpoint\": \"$S3PEER_URL/cache/artifacts\",
    \"revision_endpoint\": \"$S3PEER_URL/cache/revisions\"}, \"writes\": \"through\"}}"
  B="http://127.0.0.1:$(cat "$LC_TMP/b/port")"
  register_key b "$KEY"
  curl -s -w '%{stderr}%{json}\n' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" -X PUT -T "$work/new.art" \
    "$B/artifacts/owner/repo/$hn.art" -H 'Content-Type: application/vnd.reservoir.artifact' >/dev/null 2>"$work/wt1.json"
  expect_eq "$(code_of "$work/wt1.json")" "200" "write-through artifact PUT"
  curl -s -w '%{stderr}%{json}\n' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" -X PUT -T "$work/map.jsonl" \
    "$B/revisions/owner/repo/$REV.jsonl" -H 'Content-Type: application/vnd.reservoir.outputs+json-lines' >/dev/null 2>"$work/wt2.json"
  expect_eq "$(code_of "$work/wt2.json")" "200" "write-through mapping PUT"
  cmp -s "$work/new.art" "$LC_TMP/s3data/cache/artifacts/owner/repo/$hn.art" || fail "artifact not written through"
  cmp -s "$work/map.jsonl" "$LC_TMP/s3data/cache/revisions/owner/repo/$REV.jsonl" || fail "mapping not written through"
  curl -s -L -w '%{stderr}%{json}\n' --retry 3 "$B/revisions/owner/repo/$REV2.jsonl" >"$work/r403.out" 2>"$work/r403.json"
  expect_eq "$(code_of "$work/r403.json")" "502" "revision GET when the upstream answers 403"
  expect_contains "$(cat "$work/r403.out")" "403" "502 message names the upstream status"
  s3peer_stop
  pass "write-through: artifact and mapping PUT 200 and present in the SigV4-verifying S3 peer; upstream 403 -> 502"
else
  echo "skip: write-through part (python3-botocore missing)"
fi

# 9. Other local users: a per-user daemon serves only its owner; a system daemon follows the
#    trust rules (readers may read, and get what is stored: one upstream request for two users).
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"; }
  code=$(as_nobody curl -s -o /dev/null -w '%{http_code}' "$A/artifacts/x/${HASHES[2]}.art")
  expect_eq "$code" "403" "another user's GET from a per-user daemon"
  code=$(as_nobody curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
    -X PUT -T /dev/null "$A/artifacts/x/${HASHES[0]}.art")
  expect_eq "$code" "403" "another user's signed PUT to a per-user daemon"
  printf '{"readers": ["*"], "trusted_writers": []}\n' >"$LC_TMP/trust.json"
  mkdir -p "$LC_TMP/sysstore"
  start_service sys "{\"lake_service\": {\"upstream\": {\"artifact_endpoint\": \"$NGINX_URL/artifacts\",
    \"revision_endpoint\": \"$NGINX_URL/revisions\"}}}" --system --store-dir "$LC_TMP/sysstore" \
    --trust-config "$LC_TMP/trust.json" --idle-timeout 0
  S="http://127.0.0.1:$(cat "$LC_TMP/sys/port")"
  chmod 755 "$LC_TMP" "$LC_TMP/sys" 2>/dev/null || true
  head -c 40000 /dev/urandom >"$work/two"
  h2=$(lakehash "$work/two")
  mkdir -p "$up/artifacts/team"
  cp "$work/two" "$up/artifacts/team/$h2.art"
  want=$(sha256sum <"$work/two")
  expect_eq "$(curl -s "$S/artifacts/team/$h2.art" | sha256sum)" "$want" "root's GET from the system daemon"
  expect_eq "$(as_nobody curl -s "$S/artifacts/team/$h2.art" | sha256sum)" "$want" "nobody's GET from the system daemon"
  expect_eq "$(grep -c "/$h2.art HTTP" "$LC_TMP/nginx/logs/access.log")" "1" "upstream requests for two users"
  register_key sys "$KEY"
  code=$(as_nobody curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:auto:s3 --user "$KEY" \
    -X PUT -T /dev/null "$S/artifacts/x/${HASHES[0]}.art")
  expect_eq "$code" "403" "an untrusted user's signed PUT to the system daemon"
  pass "per-user daemon: other users 403; system daemon: two users, one upstream request; untrusted PUT 403"

  # 9b. `leancache lake get` of two users, through their own per-user daemons, with the system
  #     daemon as their Lake service (the stanza `lake setup` prints): two projects of root and
  #     one of nobody, three Lake cache dirs, every artifact fetched from upstream once.
  sp="$LC_TMP/sp"
  mkdir -p "$sp/proj" "$up/revisions/team"
  printf 'name = "proj"\n' >"$sp/proj/lakefile.toml"
  git -C "$sp/proj" init -q
  git -C "$sp/proj" add -A
  git -C "$sp/proj" -c user.name=t -c user.email=t@t commit -qm one
  rev=$(git -C "$sp/proj" rev-parse HEAD)
  git clone -q "$sp/proj" "$sp/proj2"
  shared_arts=()
  for i in 1 2 3; do
    head -c $((20000 + i * 977)) /dev/urandom >"$work/sh$i"
    hs=$(lakehash "$work/sh$i")
    cp "$work/sh$i" "$up/artifacts/team/$hs.art"
    shared_arts+=("$hs")
  done
  { echo '"2026-03-17"'
    printf '["%016x",{"m":false,"o":["%s.olean"],"r":"%s.ir"}]\n' 1 "${shared_arts[0]}" "${shared_arts[1]}"
    printf '["%016x","%s.ltar"]\n' 2 "${shared_arts[2]}"; } >"$up/revisions/team/$rev.jsonl"
  printf '[[cache.service]]\nname = "team"\nkind = "s3"\nartifactEndpoint = "%s/artifacts"\nrevisionEndpoint = "%s/revisions"\n' \
    "$S" "$S" >"$sp/lake.toml"
  chmod -R a+rX "$sp"
  team_get() {  # team_get SOCKET PROJECT CACHE_DIR [as_nobody]
    ${4:-} env LEANCACHE_SOCKET="$1" LAKE_CONFIG="$sp/lake.toml" LAKE_CACHE_DIR="$3" \
      "$LEANCACHE" -C "$2" lake get --service team --scope team 2>&1
  }
  out=$(team_get "$LC_TMP/a/d.sock" "$sp/proj" "$sp/c1") || fail "root's lake get through the system daemon: $out"
  expect_contains "$out" "3 artifacts: 3 downloaded" "root's first lake get"
  out=$(team_get "$LC_TMP/a/d.sock" "$sp/proj2" "$sp/c2") || fail "root's second project: $out"
  # nobody's own per-user daemon, socket and Lake cache dir (a copy of the project that nobody
  # owns: git refuses another user's repository).
  nb="$LC_TMP/nb"
  mkdir -p "$nb"
  cp -a "$sp/proj" "$nb/proj"
  chown -R nobody "$nb"
  as_nobody env HOME="$nb" "$LEANCACHED" --socket "$nb/d.sock" --state-dir "$nb/state" --shared-socket off \
    --idle-timeout 60 2>"$LC_TMP/nb.err" || fail "nobody's daemon did not start: $(cat "$LC_TMP/nb.err")"
  out=$(HOME="$nb" team_get "$nb/d.sock" "$nb/proj" "$nb/c" as_nobody) || fail "nobody's lake get: $out"
  expect_contains "$out" "3 artifacts: 3 downloaded" "nobody's lake get"
  for i in 0 1 2; do
    cmp "$work/sh$((i + 1))" "$nb/c/artifacts/${shared_arts[$i]}.$(case $i in 0) echo olean;; 1) echo ir;; 2) echo ltar;; esac)" \
      || fail "nobody's artifact $i"
    expect_eq "$(grep -c "/team/${shared_arts[$i]}.art HTTP" "$LC_TMP/nginx/logs/access.log")" "1" \
      "upstream requests for artifact $i (two users, three projects)"
  done
  pass "leancache lake get of two users (per-user daemons) through the system daemon: three projects, each artifact fetched upstream once"
else
  echo "skip: multi-user part (needs root and a 'nobody' user)"
fi
# 10. Socket activation: the daemon takes the TCP socket systemd passes under the name lake-http
#     (systemd-socket-activate stands in for leancached-lake.socket) and answers the connection
#     that started it.
if command -v systemd-socket-activate >/dev/null; then
  act="$LC_TMP/act"
  mkdir -p "$act/state"
  aport=$(free_port)
  systemd-socket-activate -l "127.0.0.1:$aport" --fdname=lake-http "$LEANCACHED" --foreground \
    --socket "$act/d.sock" --state-dir "$act/state" --lake-service-dir "$act/lake" 2>"$act/err" &
  wait_port 127.0.0.1 "$aport" || fail "systemd-socket-activate did not listen: $(cat "$act/err")"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$aport/artifacts/x/${HASHES[1]}.art")
  expect_eq "$code" "404" "first request on the activated socket"
  expect_contains "$(cat "$act/err")" "lake service: serving http://127.0.0.1:$aport/" "daemon log on activation"
  pass "socket activation: the passed lake-http socket is served"
fi

grep -rqF -- "${KEY#*:}" "$LC_TMP"/*/state/*.log && fail "the write key's secret appears in a daemon log"
nginx_stop
echo "lake_service_test: all checks passed"
