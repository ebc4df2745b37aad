#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ with clang-14 (-fsanitize=fuzzer,address,undefined,
# no recovery from UB) and runs each for FUZZ_RUNS executions (default 1 000 000) from its seed
# corpus in tests/fuzz/corpus/<target>/. Prints one table row per target: executions, exec/s,
# coverage (libFuzzer's cov: edges), corpus growth, peak RSS, crashes. Exits 1 on any crash,
# leak, timeout or sanitizer report (the reproducer is kept under $WORK/artifacts/).
#
# Usage: tests/fuzz/run_fuzzers.sh [target ...]      (default: all six)
# Env:   FUZZ_RUNS (1000000), FUZZ_JOBS build parallelism (2), FUZZ_PARALLEL targets run at
#        once (1), FUZZ_NO_BUILD=1 (use the targets already built), LEANCACHE_FUZZ_BUILD_DIR
#        (<repo>/build-fuzz), FUZZ_WORK (mktemp; new corpus units, logs, artifacts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${LEANCACHE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
runs="${FUZZ_RUNS:-1000000}"
jobs="${FUZZ_JOBS:-2}"
work="${FUZZ_WORK:-$(mktemp -d /tmp/leancache-fuzz.XXXXXX)}"
all=(header_parser_fuzz manifest_fuzz trace_fuzz lgz_decode_fuzz ltar_reader_fuzz rpc_handlers_fuzz)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

command -v clang++-14 >/dev/null || { echo "run_fuzzers: clang++-14 is not installed (apt: clang-14 libclang-rt-14-dev)" >&2; exit 2; }

t0=$(date +%s)
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=Debug -DLEANCACHE_BUILD_FUZZ=ON -DLEANCACHE_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; exit 1; }
cmake --build "$build" --target "${targets[@]}" -j"$jobs" >"$work/build.log" 2>&1 \
  || { tail -n 60 "$work/build.log"; exit 1; }
echo "run_fuzzers: built ${#targets[@]} targets in $(( $(date +%s) - t0 ))s; work dir $work"
fi

# Per-target options: a deadline per input and the largest input worth mutating.
declare -A extra=(
  [header_parser_fuzz]="-max_len=2048"
  [manifest_fuzz]="-max_len=2048"
  [trace_fuzz]="-max_len=2048"
  [lgz_decode_fuzz]="-max_len=20000"
  [ltar_reader_fuzz]="-max_len=65536"
  [rpc_handlers_fuzz]="-max_len=4096"
)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Runs one target; writes its table row to $work/<target>.row.
run_one() {
  local t=$1 seeds corpus log start status=0 secs execs eps cov ft seedn corp crashes
  seeds="$root/tests/fuzz/corpus/${t%_fuzz}"
  corpus="$work/corpus/$t"
  mkdir -p "$corpus" "$work/artifacts"
  log="$work/$t.log"
  start=$(date +%s)
  (cd "$work" && "$build/tests/fuzz/$t" -runs="$runs" -timeout=25 -rss_limit_mb=3072 \
     -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" ${extra[$t]} \
     "$corpus" "$seeds" >"$log" 2>&1) || status=$?
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  seedn=$(find "$seeds" -type f | wc -l)
  corp=$(find "$corpus" -type f | wc -l)
  crashes=$(find "$work/artifacts" -name "$t-*" -type f | wc -l)
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    [ "$crashes" -ne 0 ] || crashes="exit $status"
    { echo "---- $t failed (exit $status); last lines of $log:"; tail -n 40 "$log"; } >&2
  fi
  printf '%-20s %10s %8s %6s %7s %6s %8s %6ss %s\n' "$t" "${execs:-?}" "${eps:-?}" "${cov:-?}" \
    "${ft:-?}" "$seedn" "$corp" "$secs" "$crashes" > "$work/$t.row"
}

# FUZZ_PARALLEL targets at a time (default 1: one after another).
parallel="${FUZZ_PARALLEL:-1}"
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true

failed=0
echo
printf '%-20s %10s %8s %6s %7s %6s %8s %7s %s\n' target execs exec/s cov ft seeds corpus time crashes
for t in "${targets[@]}"; do
  cat "$work/$t.row"
  awk '{ if ($NF != "0") exit 1 }' "$work/$t.row" || failed=1
done
echo "(runs requested per target: $runs; cov/ft = libFuzzer edge coverage / features at the end)"
exit "$failed"
