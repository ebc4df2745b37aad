#!/usr/bin/env bash
# The VS Code extension (client/vscode) against a real daemon: npm installs its dependencies
# from the registry (cached in ~/.cache/leancache-test-npm), tsc compiles it (extension.ts
# included, against @types/vscode), and Node's test runner runs test/*.test.ts: the pure
# modules, then FileStatus, Watch, the get-imports command (Prefetch) from an nginx mirror,
# cancellation and priority through a slow fault server. No VS Code binary is needed.
# Skipped (exit 0, with a message) only when node or npm is not installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node/npm not installed; the VS Code extension tests were not run"
  exit 0
fi
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
source "$(dirname "$0")/lib/faultserver.sh"
: "${LEANCACHE_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
ext_src="$LEANCACHE_SOURCE_DIR/client/vscode"
lc_setup

# Dependencies: one install per package-lock.json, shared between runs (like azurite.sh).
lock_id=$(sha256sum "$ext_src/package-lock.json" | cut -c1-16)
npm_home="${HOME:-/tmp}/.cache/leancache-test-npm"
deps="$npm_home/vscode-ext-$lock_id"
mkdir -p "$deps"
(
  flock 9
  if [ ! -x "$deps/node_modules/.bin/tsc" ]; then
    cp "$ext_src/package.json" "$ext_src/package-lock.json" "$deps/"
    (cd "$deps" && npm ci --no-audit --no-fund --loglevel=error --cache "$npm_home/npm-cache" >&2)
  fi
) 9>"$deps/.install.lock"
[ -x "$deps/node_modules/.bin/tsc" ] || fail "npm ci of the extension's dependencies failed"

ext="$LC_TMP/ext"
mkdir -p "$ext"
cp -r "$ext_src/src" "$ext_src/test" "$ext_src/package.json" "$ext_src/tsconfig.json" "$ext/"
ln -s "$deps/node_modules" "$ext/node_modules"
(cd "$ext" && ./node_modules/.bin/tsc -p .) || fail "tsc failed"
pass "extension compiled (tsc, strict) with dependencies from the npm registry"

src="$LC_TMP/src"
lc_fixture "$src" 150 --artifacts
lc_start_daemon --idle-timeout 0
lc_mirror_of "$src"
nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
faultserver_start "$mirror" "$LC_TMP/fault" >/dev/null
faultserver_set_faults '{"rules":[{"path":"*","fault":"delay","ms":4000}]}' >/dev/null
proj="$LC_TMP/proj"
mkdir -p "$proj"
(cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$proj")
# The target: the module with the largest closure among the first 60 (several levels deep).
target=""; best=0
for m in $(cut -f1 "$LC_TMP/keys" | grep '^Mathlib\.' | head -60); do
  c=$("$LEANCACHE" -C "$proj" hash "$m" | wc -l)
  if [ "$c" -gt "$best" ] && [ "$c" -lt 80 ]; then best=$c; target=$m; fi
done
[ "$best" -gt 5 ] || fail "no module with a deep enough closure"

export MATHLIB_CACHE_GET_URL="$NGINX_URL"
export LEANCACHE_PROTO="$LEANCACHE_SOURCE_DIR/proto/leancache/v1/cache.proto"
export LC_TEST_PROJECT="$proj" LC_TEST_KEYS="$LC_TMP/keys" LC_TEST_TARGET="$target" LC_TEST_CLOSURE="$best"
export LC_TEST_SLOW_URL="$FAULT_URL" LC_TEST_NGINX_LOG="$LC_TMP/nginx/logs/access.log"
echo "target $target (closure $best modules), mirror $NGINX_URL, slow mirror $FAULT_URL"
(cd "$ext" && node --test --test-reporter=spec out/test/) 2>&1 | tee "$LC_TMP/node.out"
status=${PIPESTATUS[0]}
[ "$status" == 0 ] || fail "node --test failed (exit $status)"
grep -q "^ℹ fail 0" "$LC_TMP/node.out" || fail "node --test reported failures"
pass "extension tests: $(grep '^ℹ tests' "$LC_TMP/node.out")"
