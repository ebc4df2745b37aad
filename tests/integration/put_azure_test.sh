#!/usr/bin/env bash
# Azure Blob round trip against Azurite (npm) on 127.0.0.1: pack a generated workspace with
# built artifacts, `put --container=master` with a container SAS, wipe CACHEDIR and the build
# directories, `get` the same blobs back from Azurite (anonymous reads of a public container,
# as from Mathlib's real containers) -> byte-identical trees. A second put uploads nothing
# (409/412 counted as present); a SAS without write permission fails with 403 and a clear
# message, and the SAS never appears in the output.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/azurite.sh"
lc_setup
set +e
azurite_start >/dev/null
rc=$?
set -e
if [ "$rc" = 77 ]; then echo "skip: npm is not installed, no Azurite"; exit 77; fi
[ "$rc" = 0 ] || fail "Azurite did not start"
trap 'azurite_stop >/dev/null 2>&1 || true; lc_cleanup' EXIT

# The master container, readable anonymously like cache.mathlib.org's containers.
curl -sf -X PUT -H "x-ms-version: 2021-08-06" -H "x-ms-blob-public-access: blob" \
  "$AZURITE_URL/mathlib4-master?restype=container&$(azurite_sas account)" >/dev/null \
  || fail "cannot create the container"
mkdir -p "$XDG_CONFIG_HOME/leancache"
printf '{"hosts": {"containers": "%s"}}\n' "$AZURITE_URL" >"$XDG_CONFIG_HOME/leancache/config.json"

src="$LC_TMP/src"
lc_fixture "$src" 40 --artifacts
(cd "$src" && git init -q && git add -A >/dev/null && git -c user.email=t@t -c user.name=t commit -qm fixture)
lc_start_daemon --idle-timeout 0
tree_of() { (cd "$1" && find . -path '*/.lake/build/*' -type f ! -name '*.trace' ! -name '.mathlib-cache-roothash' | sort | xargs sha256sum); }
tree_of "$src" >"$LC_TMP/built.sums"
[ -s "$LC_TMP/built.sums" ] || fail "fixture has no build outputs"
export MATHLIB_CACHE_DIR="$LC_TMP/cache"

# A read-only SAS: the upload is refused (403) with a clear message; the SAS is not shown.
ro_sas=$(azurite_sas container mathlib4-master rl)
set +e
out=$(MATHLIB_CACHE_SAS="$ro_sas" "$LEANCACHE" -C "$src" put --container=master 2>&1)
rc=$?
set -e
expect_eq "$rc" "1" "put with a read-only SAS"
expect_contains "$out" "403" "read-only SAS message"
sig=$(sed -n 's/.*sig=\([^&]*\).*/\1/p' <<<"$ro_sas")
! grep -qF "$sig" <<<"$out" || fail "the SAS signature appeared in the output"
pass "Azure read-only SAS: exit 1, 403, SAS not shown"

sas=$(azurite_sas container mathlib4-master racwl)
out=$(MATHLIB_CACHE_SAS="$sas" "$LEANCACHE" -C "$src" --json put --container=master 2>"$LC_TMP/put.err") \
  || fail "put to Azurite failed: $(cat "$LC_TMP/put.err")"
uploaded=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["uploaded"])' "$out")
[ "$uploaded" -gt 30 ] || fail "only $uploaded archives uploaded: $out"
out=$(MATHLIB_CACHE_SAS="$sas" "$LEANCACHE" -C "$src" --json put --container=master 2>/dev/null) || fail "second put failed"
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["uploaded"]==0 and s["already_present"]==int(sys.argv[2]), s' "$out" "$uploaded" \
  || fail "second put uploaded again: $out"
pass "Azure put: $uploaded archives with a container SAS; the second put uploaded nothing"

rm -rf "$MATHLIB_CACHE_DIR"
find "$src" -path '*/.lake/build' -prune -exec rm -rf {} +
MATHLIB_CACHE_GET_URL="$AZURITE_URL/mathlib4-master" "$LEANCACHE" -C "$src" get >/dev/null 2>"$LC_TMP/get.err" \
  || fail "get back from Azurite failed: $(cat "$LC_TMP/get.err")"
tree_of "$src" >"$LC_TMP/restored.sums"
comm -3 <(sort "$LC_TMP/built.sums") <(sort "$LC_TMP/restored.sums") >"$LC_TMP/diff"
[ ! -s "$LC_TMP/diff" ] || fail "round trip through Azurite differs: $(head -3 "$LC_TMP/diff")"
pass "Azure round trip: get from Azurite gave byte-identical build outputs ($(wc -l <"$LC_TMP/restored.sums") files)"
echo "put_azure: all checks passed"
