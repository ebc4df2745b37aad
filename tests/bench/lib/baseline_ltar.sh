# baseline_ltar ROOT: prints the path of the stand-in baseline `ltar` — the leantar-design unpack
# (one process, parallel across archives) as this repository had it before the performance work
# of issue 16 — so benchmarks measure it next to the current code in the same run.
# BASELINE_LTAR=path uses a given binary; otherwise `ltar` is built once from commit BASELINE_REF
# (default e3122d6) into ${BASELINE_DIR:-/tmp/leancache-bench-baseline-REF} (ccache is used
# when installed; the build reuses /work/.ccache when it exists).
baseline_ltar() {
  local root="$1"
  if [ -n "${BASELINE_LTAR:-}" ]; then echo "$BASELINE_LTAR"; return; fi
  local ref="${BASELINE_REF:-e3122d6}"
  local dir="${BASELINE_DIR:-/tmp/leancache-bench-baseline-$ref}"
  if [ ! -x "$dir/build/client/ltar" ]; then
    echo "building the baseline ltar from $ref in $dir ..." >&2
    rm -rf "$dir"; mkdir -p "$dir"
    git -C "$root" archive "$ref" | tar -x -C "$dir"
    local launch=()
    if command -v ccache >/dev/null; then
      launch=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
      [ -d /work/.ccache ] && export CCACHE_DIR="${CCACHE_DIR:-/work/.ccache}" \
        CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$dir")}" CCACHE_NOHASHDIR=1
    fi
    cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launch[@]}" >"$dir/build.log" 2>&1 \
      && nice -n 5 cmake --build "$dir/build" -j2 --target ltar >>"$dir/build.log" 2>&1 \
      || { tail -n 30 "$dir/build.log" >&2; echo "cannot build the baseline ltar" >&2; return 1; }
  fi
  echo "$dir/build/client/ltar"
}
