#!/usr/bin/env bash
# The whole test suite, as CI runs it: install missing packages, configure, build, run ctest.
# Usage: tests/run.sh [extra ctest args]
#
# LEANCACHE_TEST_CONFIG picks the build the suite runs on (every unit and integration test,
# including 64 concurrent clients, the reliability smoke run, the .deb and the fuzz smoke run):
#   asan     (default, what CI runs) ASan + UBSan, no recovery from UB, leak checks:
#            CMakePresets.json `asan`, build dir build-asan, sanitizer options from the preset.
#   tsan     ThreadSanitizer: preset `tsan`, build dir build-tsan.
#   release  RelWithDebInfo, build dir $LEANCACHE_BUILD_DIR (default build), as installed.
# One configuration per run keeps CI within its budget on 2 cores: a sanitizer build costs
# about what the release build does (~29 min cold, 2 cores), and the suite takes ~10.5 min
# under ASan (~7.5 min release).
# The script ends with ctest's summary and exits with ctest's status.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${LEANCACHE_TEST_CONFIG:-asan}"
jobs="$(nproc)"
"$root/packaging/install-deps.sh"

t0=$(date +%s)
case "$config" in
  asan|tsan)
    build="$root/build-$config"
    (cd "$root" && cmake --preset "$config" >/dev/null)
    cmake --build "$build" -j"$jobs"
    echo "tests/run.sh: $config build took $(( $(date +%s) - t0 )) s"
    cd "$root"
    exec ctest --preset "$config" -j"$jobs" "$@"
    ;;
  release)
    build="${LEANCACHE_BUILD_DIR:-$root/build}"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$jobs"
    echo "tests/run.sh: release build took $(( $(date +%s) - t0 )) s"
    cd "$build"
    exec ctest --output-on-failure -j"$jobs" --timeout 900 "$@"
    ;;
  *)
    echo "tests/run.sh: LEANCACHE_TEST_CONFIG must be asan, tsan or release (got '$config')" >&2
    exit 2
    ;;
esac
