#!/usr/bin/env bash
# The whole test suite, as CI runs it: install missing packages, configure, build, run ctest.
# Usage: tests/run.sh [extra ctest args]
#
# Stages:
#  1. (LEANCACHE_CI_ASAN=1 only) ASan+UBSan (CMakePresets.json `asan`, build dir build-asan):
#     the whole suite except fuzz_smoke_test (it builds its own clang ASan+UBSan fuzzers) and
#     deb_package_test (packaging, not memory safety). Off by default: a second full build
#     does not fit CI's budget on 2 cores next to the release suite.
#  2. The release configuration (RelWithDebInfo, build dir build): the whole suite.
# The script ends with stage 2's ctest summary and exits non-zero if either stage failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LEANCACHE_BUILD_DIR:-$root/build}"
jobs="$(nproc)"
"$root/packaging/install-deps.sh"

asan_status=0
if [ "${LEANCACHE_CI_ASAN:-0}" = 1 ]; then
  t0=$(date +%s)
  (cd "$root" && cmake --preset asan >/dev/null)
  cmake --build "$root/build-asan" -j"$jobs"
  t1=$(date +%s)
  (cd "$root" && ctest --preset asan -j"$jobs" -E '^integration\.(fuzz_smoke|deb_package)_test$' "$@") \
    || asan_status=$?
  echo "ASan+UBSan stage: build $((t1 - t0))s, tests $(( $(date +%s) - t1 ))s, ctest exit $asan_status"
  [ "$asan_status" -eq 0 ] || echo "FAILED: the ASan+UBSan stage (its summary is above); running the release suite anyway" >&2
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"
cd "$build"
status=0
ctest --output-on-failure -j"$jobs" --timeout 900 "$@" || status=$?
[ "$status" -ne 0 ] || status=$asan_status
exit "$status"
