#!/usr/bin/env bash
# Builds the two libFuzzer targets (tests/fuzz/ltar_reader_fuzz.cpp, tests/fuzz/lgz_decode_fuzz.cpp)
# with clang++-14 straight from the sources, then runs each briefly on a seed corpus made from
# the ltar vectors. Fails on any crash/sanitizer report. Skips (exit 0) only if clang++-14 is
# not installed.
set -euo pipefail

SRC="${LEANCACHE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
SHARED="${LEANCACHE_SHARED_DIR:-$SRC/../shared}"
VEC="$SHARED/vectors/ltar"
FUZZ_SECONDS="${FUZZ_SECONDS:-10}"

CXX=clang++-14
if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "SKIP: $CXX not installed; fuzz smoke test not run"
  exit 0
fi

WORK="$(mktemp -d /tmp/fuzz_smoke.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

FLAGS=(-std=c++20 -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I"$SRC" "-DLEANCACHE_DICT_PATH=\"$SRC/common/ltar/data/leangz-v1.dict\"")
LIBS=($(pkg-config --libs absl_statusor absl_str_format absl_strings absl_status) -lzstd -lpthread)

# Compile every source once (2 parallel jobs), then link the two targets.
mkdir -p "$WORK/obj"
export WORK SRC CXX
declare -p FLAGS > "$WORK/flags.sh"
SOURCES=()
for f in "$SRC"/common/lgz/*.cpp "$SRC"/common/ltar/*.cpp "$SRC"/common/fs/*.cpp "$SRC"/common/proc/*.cpp \
         "$SRC"/common/hash/lean_hash.cpp "$SRC"/common/json/*.cpp \
         "$SRC"/tests/fuzz/ltar_reader_fuzz.cpp "$SRC"/tests/fuzz/lgz_decode_fuzz.cpp; do
  SOURCES+=("${f#$SRC/}")
done
start=$(date +%s)
printf '%s\n' "${SOURCES[@]}" | xargs -P 2 -I{} bash -c 'source "$WORK/flags.sh"; src="{}"; "$CXX" "${FLAGS[@]}" -c "$SRC/$src" -o "$WORK/obj/$(echo "$src" | tr / _).o"'
LGZ_OBJS=("$WORK"/obj/common_lgz_*.o "$WORK"/obj/common_hash_*.o)
LTAR_OBJS=("$WORK"/obj/common_ltar_*.o "$WORK"/obj/common_fs_*.o "$WORK"/obj/common_proc_*.o "$WORK"/obj/common_json_*.o)
LINK=(-fsanitize=fuzzer,address,undefined)
"$CXX" "${LINK[@]}" "$WORK/obj/tests_fuzz_lgz_decode_fuzz.cpp.o" "${LGZ_OBJS[@]}" "${LIBS[@]}" -o "$WORK/lgz_decode_fuzz"
"$CXX" "${LINK[@]}" "$WORK/obj/tests_fuzz_ltar_reader_fuzz.cpp.o" "${LTAR_OBJS[@]}" "${LGZ_OBJS[@]}" \
  "${LIBS[@]}" -o "$WORK/ltar_reader_fuzz"
echo "built fuzzers in $(( $(date +%s) - start ))s"

# Seed corpora.
mkdir -p "$WORK/ltar_corpus" "$WORK/lgz_corpus"
cp "$VEC"/*.ltar "$WORK/ltar_corpus/"
for f in "$VEC"/syn/*.lgz "$VEC"/m/Attr.olean.lgz; do
  { printf '\x00'; cat "$f"; } > "$WORK/lgz_corpus/$(basename "$f").seed"
done
{ printf '\x01'; cat "$VEC/m/Attr.module.lgz"; } > "$WORK/lgz_corpus/module.seed"

status=0
(cd "$WORK" && "$WORK/ltar_reader_fuzz" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
   -rss_limit_mb=2048 "$WORK/ltar_corpus" > "$WORK/ltar.log" 2>&1) || status=$?
tail -n 5 "$WORK/ltar.log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: ltar_reader_fuzz exited with $status"; cat "$WORK/ltar.log" | tail -n 60; exit 1
fi
(cd "$WORK" && "$WORK/lgz_decode_fuzz" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
   -rss_limit_mb=2048 "$WORK/lgz_corpus" > "$WORK/lgz.log" 2>&1) || status=$?
tail -n 5 "$WORK/lgz.log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: lgz_decode_fuzz exited with $status"; cat "$WORK/lgz.log" | tail -n 60; exit 1
fi
echo "PASS: both fuzzers ran ${FUZZ_SECONDS}s without findings ($(( $(date +%s) - start ))s total)"
