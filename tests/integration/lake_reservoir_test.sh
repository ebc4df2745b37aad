#!/usr/bin/env bash
# lake_reservoir_test.sh -- `leancache lake get` from Reservoir (issue 15, spec
# lake-native-cache-2026.md §3.5) on 127.0.0.1: the Reservoir API stand-in
# (tests/tools/reservoirpeer, shaped like the mock server of Lake's own cacheTransfer test)
# answers the mapping GETs and the batch URL POST, and nginx is the CDN the URLs point to.
# Checks: the revision walk over Reservoir's build-outputs (a 404 walked past), ONE batch POST
# naming every missing hash with Lake's API-version headers (the peer refuses requests without
# them), artifacts byte-exact and hash-verified from the CDN, each downloaded once; a Reservoir
# error object and a reply of the wrong length fail the get clearly and store nothing; a server
# without the batch endpoint (405) is served from the per-artifact URLs; without --repo every
# Reservoir dependency of the workspace is fetched under "<manifest scope>/<name>" (git ones
# skipped, a failing one named); `--scope` is refused; an unreachable Reservoir fails at once with
# a clear error.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/reservoirpeer.sh"
LAKEHASH="/usr/bin/python3 $(cd "$(dirname "$0")" && pwd)/lib/lakehash.py"
VECTORS="$LEANCACHE_SHARED_DIR/vectors/ltar/m/P"

lc_setup
unset LAKE_CACHE_DIR LAKE_CONFIG LAKE_CACHE_KEY LAKE_CACHE_ARTIFACT_ENDPOINT LAKE_CACHE_REVISION_ENDPOINT \
  LAKE_CACHE_SERVICE ELAN_TOOLCHAIN ELAN_HOME RESERVOIR_API_URL LEANCACHE_MAX_CACHE_SIZE || true
export HOME="$LC_TMP/home"
mkdir -p "$HOME"
W="$LC_TMP/w"
mkdir -p "$W/cdn" "$W/res"
nginx_start "$W/cdn" "$W/nginx" >/dev/null
ACCESS_LOG="$W/nginx/logs/access.log"
reservoirpeer_start "$W/res" "$NGINX_URL"
export RESERVOIR_API_URL="$RESERVOIR_PEER_API"
REQUESTS="$W/res/requests.log"
lc_start_daemon --idle-timeout 0

# --- a package with 3 commits; Reservoir has outputs for commit 2 ---------------------------------
P="$W/prod"
mkdir -p "$P"
printf 'name = "fixture"\nplatformIndependent = true\n' >"$P/lakefile.toml"
printf 'leanprover/lean4:v4.30.0\n' >"$P/lean-toolchain"
git -C "$P" init -q
for i in 1 2 3; do
  echo "-- $i" >>"$P/Fixture.lean"
  git -C "$P" add -A
  git -C "$P" -c user.name=t -c user.email=t@t commit -qm "commit $i"
done
C2=$(git -C "$P" rev-parse HEAD~1); C3=$(git -C "$P" rev-parse HEAD)
SCOPES=(owner error short nobatch)
# art FILE EXT: publishes FILE on the CDN under its Lake hash for every scope; prints the name.
art() {
  local h s
  h=$($LAKEHASH "$1" | cut -d' ' -f1)
  for s in "${SCOPES[@]}"; do mkdir -p "$W/cdn/$s/fixture"; cp "$1" "$W/cdn/$s/fixture/$h.art"; done
  cp "$1" "$W/$h.$2"
  echo "$h.$2"
}
OLEAN=$(art "$VECTORS/Attr.olean" olean); OSRV=$(art "$VECTORS/Attr.olean.server" olean.server)
OPRV=$(art "$VECTORS/Attr.olean.private" olean.private)
head -c 5000 /dev/urandom >"$W/m.ir"; IR=$(art "$W/m.ir" ir)
LTARS=()
for i in 1 2 3; do
  { printf 'LTR4'; head -c $((2000 + i * 311)) /dev/urandom; } >"$W/m$i.ltar"
  LTARS+=("$(art "$W/m$i.ltar" ltar)")
done
ALL=("$OLEAN" "$OSRV" "$OPRV" "$IR" "${LTARS[@]}")
{
  echo '"2026-03-17"'
  printf '["00000000000abc01",{"m":false,"o":["%s","%s","%s"],"r":"%s"}]\n' "$OLEAN" "$OSRV" "$OPRV" "$IR"
  for i in 1 2 3; do printf '["%016x","%s"]\n' "$i" "${LTARS[$((i - 1))]}"; done
} >"$W/outputs.jsonl"
for s in "${SCOPES[@]}"; do
  mkdir -p "$W/res/repositories/$s/fixture"
  cp "$W/outputs.jsonl" "$W/res/repositories/$s/fixture/$C2.jsonl"
done
C="$W/cons"
git clone -q "$P" "$C"

# --- get from Reservoir: walk, one batch POST, CDN downloads ------------------------------------
: >"$ACCESS_LOG"; : >"$REQUESTS"
out=$(LAKE_CACHE_DIR="$W/c1" "$LEANCACHE" -C "$C" lake get --repo owner/fixture 2>&1) || fail "get: $out"
expect_contains "$out" "found outputs for revision $C2" "get walks back over Reservoir"
grep -q "^GET /api/v1/repositories/owner/fixture/build-outputs 0$" "$REQUESTS" || fail "no build-outputs GET: $(cat "$REQUESTS")"
expect_eq "$(grep -c build-outputs "$REQUESTS")" 2 "build-outputs GETs (HEAD's 404, then commit 2)"
expect_eq "$(grep -c '^POST ' "$REQUESTS")" 1 "batch POSTs"
grep -q "^POST /api/v1/repositories/owner/fixture/artifacts ${#ALL[@]}$" "$REQUESTS" || fail "the POST did not name all ${#ALL[@]} hashes: $(cat "$REQUESTS")"
for a in "${ALL[@]}"; do
  f="$W/c1/artifacts/$a"
  cmp "$W/$a" "$f" || fail "get: $a differs"
  expect_eq "$($LAKEHASH "$f" | cut -d' ' -f1)" "${a%%.*}" "Lake hash of $a"
  expect_eq "$(grep -c "GET /owner/fixture/${a%%.*}.art " "$ACCESS_LOG")" 1 "CDN downloads of $a"
done
cmp <(printf '%s' "$(cat "$W/outputs.jsonl")") "$W/c1/revisions/fixture/$C2.jsonl" || fail "revision file"
pass "Reservoir get: 404 walked past, one batch POST for ${#ALL[@]} hashes (API headers checked by the peer), ${#ALL[@]} artifacts from the CDN, verified"

: >"$REQUESTS"
out=$(LAKE_CACHE_DIR="$W/c1" "$LEANCACHE" -C "$C" lake get --repo owner/fixture 2>&1) || fail "no-op get: $out"
expect_contains "$out" "${#ALL[@]} already present" "no-op get"
# As Lake does: HEAD's mapping is asked again (404), commit 2's comes from the local revision file.
expect_eq "$(cat "$REQUESTS")" "GET /api/v1/repositories/owner/fixture/build-outputs 0" "requests of a no-op get"
pass "no-op get: HEAD's 404 asked again, commit 2 from the local revision file, no batch POST, nothing downloaded"

# --- Reservoir errors fail the get and store nothing -----------------------------------------------
for case in "error:Reservoir error (status 503): maintenance" "short:Incorrect number of results: expected ${#ALL[@]}, got $((${#ALL[@]} - 1))"; do
  scope=${case%%:*}; want=${case#*:}
  set +e
  out=$(LAKE_CACHE_DIR="$W/c-$scope" "$LEANCACHE" -C "$C" lake get --repo "$scope/fixture" 2>&1); rc=$?
  set -e
  expect_eq "$rc" 1 "get with a Reservoir '$scope' reply"
  expect_contains "$out" "$want" "get with a Reservoir '$scope' reply"
  expect_contains "$out" "failed to download some artifacts" "get with a Reservoir '$scope' reply"
  [ -z "$(ls -A "$W/c-$scope/artifacts" 2>/dev/null)" ] || fail "artifacts stored after a '$scope' reply"
done
pass "a Reservoir error object and a reply of the wrong length: exit 1, named, nothing stored"

# --- no batch endpoint: the per-artifact URLs --------------------------------------------------------------
out=$(LAKE_CACHE_DIR="$W/c-nb" "$LEANCACHE" -C "$C" lake get --repo nobatch/fixture 2>&1) || fail "get without batch endpoint: $out"
for a in "${ALL[@]}"; do cmp "$W/$a" "$W/c-nb/artifacts/$a" || fail "per-artifact URL: $a"; done
expect_eq "$(grep -c '^GET /api/v1/repositories/nobatch/fixture/artifacts/' "$REQUESTS")" "${#ALL[@]}" "per-artifact GETs"
pass "405 to the batch POST: ${#ALL[@]} artifacts from the per-artifact URLs"

# --- no --repo: every Reservoir dependency of the workspace under "<manifest scope>/<name>" -------
# Lake's loop over the workspace packages (the root excluded): a dependency with a manifest
# `scope` is fetched from /packages/<scope>/<name>/ with ITS git history and written under its own
# name; one without is skipped; one that fails does not stop the others but fails the get.
mkdir -p "$W/res/packages/owner/fixture"
cp "$W/outputs.jsonl" "$W/res/packages/owner/fixture/$C2.jsonl"
WS="$W/ws"
mkdir -p "$WS/.lake/packages"
printf 'name = "ws"\n' >"$WS/lakefile.toml"
printf 'leanprover/lean4:v4.30.0\n' >"$WS/lean-toolchain"
git clone -q "$P" "$WS/.lake/packages/fixture"
mkdir -p "$WS/.lake/packages/hello"
printf 'name = "hello"\n' >"$WS/.lake/packages/hello/lakefile.toml"
manifest() {  # manifest [EXTRA_ENTRY]: fixture (Reservoir scope "owner"), hello (from git, no scope)
  printf '{"version": "1.1.0", "packagesDir": ".lake/packages", "name": "ws", "packages": [
  {"type": "git", "scope": "owner", "name": "fixture", "url": "%s", "rev": "%s", "inherited": false},
  {"type": "git", "scope": "", "name": "hello", "url": "https://example.invalid/hello", "rev": "%s", "inherited": false}%s]}\n' \
    "$P" "$C3" "$C3" "${1:-}" >"$WS/lake-manifest.json"
}
manifest
: >"$REQUESTS"
out=$(LAKE_CACHE_DIR="$W/c-ws" "$LEANCACHE" -C "$WS" lake get 2>&1) || fail "get over the workspace: $out"
expect_contains "$out" "hello: skipping non-Reservoir dependency" "get over the workspace"
expect_contains "$out" "fixture: found outputs for revision $C2" "get over the workspace"
grep -q "^GET /api/v1/packages/owner/fixture/build-outputs 0$" "$REQUESTS" || fail "no package build-outputs GET: $(cat "$REQUESTS")"
grep -q "^POST /api/v1/packages/owner/fixture/artifacts ${#ALL[@]}$" "$REQUESTS" || fail "no package batch POST: $(cat "$REQUESTS")"
for a in "${ALL[@]}"; do cmp "$W/$a" "$W/c-ws/artifacts/$a" || fail "workspace get: $a"; done
cmp <(printf '%s' "$(cat "$W/outputs.jsonl")") "$W/c-ws/revisions/fixture/$C2.jsonl" || fail "workspace get: revision file"
ls "$W/c-ws/outputs/fixture/"*.json >/dev/null || fail "workspace get: no outputs/fixture"
[ ! -e "$W/c-ws/outputs/ws" ] || fail "workspace get wrote outputs for the root"
: >"$REQUESTS"
out=$(LAKE_CACHE_DIR="$W/c-ws" "$LEANCACHE" -C "$WS" lake get 2>&1) || fail "second get over the workspace: $out"
expect_contains "$out" "owner/fixture: ${#ALL[@]} artifacts: 0 downloaded (0 bytes), ${#ALL[@]} already present" "second get over the workspace"
grep -q '^POST ' "$REQUESTS" && fail "the second get over the workspace asked for artifacts: $(cat "$REQUESTS")"
pass "get without --repo: the Reservoir dependency from /packages/owner/fixture (its own history), the git one skipped; again: nothing downloaded"

out=$(LAKE_CACHE_DIR="$W/c-pk" "$LEANCACHE" -C "$WS" lake get --package fixture 2>&1) || fail "get --package fixture: $out"
expect_contains "$out" "fixture: found outputs for revision $C2" "get --package fixture"
set +e
out=$(LAKE_CACHE_DIR="$W/c-pk" "$LEANCACHE" -C "$WS" lake get --package hello 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "get --package of a non-Reservoir dependency"
expect_contains "$out" "hello: not a Reservoir dependency" "get --package hello"
set +e
out=$(LAKE_CACHE_DIR="$W/c-pk" "$LEANCACHE" -C "$WS" lake get --rev "$C2" 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "--rev with a multi-package Reservoir get"
expect_contains "$out" "multi-package Reservoir get" "--rev with a multi-package Reservoir get"
pass "--package selects one dependency's Reservoir scope; a git one and --rev over all are refused"

# A dependency listed but not downloaded (no lakefile) fails; the one before it still lands.
manifest ', {"type": "git", "scope": "owner", "name": "gone", "url": "https://example.invalid/gone", "rev": "'"$C3"'", "inherited": false}'
set +e
out=$(LAKE_CACHE_DIR="$W/c-ws2" "$LEANCACHE" -C "$WS" lake get 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "get with a missing dependency"
expect_contains "$out" "error: gone:" "get with a missing dependency"
expect_contains "$out" "failed to download artifacts for some dependencies" "get with a missing dependency"
for a in "${ALL[@]}"; do cmp "$W/$a" "$W/c-ws2/artifacts/$a" || fail "the good dependency did not land: $a"; done
pass "a dependency that cannot be fetched fails the get (exit 1, named); the others still land"

set +e
out=$(LAKE_CACHE_DIR="$W/c-sc" "$LEANCACHE" -C "$C" lake get --scope owner/fixture 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "--scope with Reservoir"
expect_contains "$out" '`--scope` cannot be used with Reservoir' "--scope with Reservoir"
pass "--scope with Reservoir refused"

# --- a Reservoir that cannot be reached: a clear error at once, nothing walked past ------------------
dead=$(free_port)
set +e
out=$(RESERVOIR_API_URL="http://127.0.0.1:$dead/api/v1" LAKE_CACHE_DIR="$W/c-dead" \
  timeout 60 "$LEANCACHE" -C "$C" lake get --repo owner/fixture 2>&1); rc=$?
set -e
expect_eq "$rc" 1 "get from an unreachable Reservoir"
expect_contains "$out" "failed to GET URL" "get from an unreachable Reservoir"
expect_contains "$out" "output lookup failed" "get from an unreachable Reservoir"
grep -qF "found outputs" <<<"$out" && fail "walked past an unreachable Reservoir: $out"
pass "unreachable Reservoir: exit 1, named, the walk stops"
