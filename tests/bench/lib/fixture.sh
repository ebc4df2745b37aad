# The benchmarks' one workspace setup (source after tests/integration/lib/daemon.sh and
# lc_setup, with a daemon running): bench_packed_fixture SCALE LIMIT MIRROR generates the
# realistic workspace (`leancache-fixturegen --real-oleans`: real-format olean triplets that
# run LGZ, .ilean, .c, at Mathlib's sizes times SCALE; LIMIT 0 = every module) in $LC_TMP/src,
# commits it, packs its archives into MIRROR/f with `leancache pack`, and sets `src` and `n`
# (the number of archives).
bench_packed_fixture() {
  local scale="$1" limit="$2" mirror="$3"
  src="$LC_TMP/src"
  local gen_args=(--graph "$GRAPH" --out "$src" --real-oleans --artifact-scale "$scale")
  [ "$limit" != 0 ] && gen_args+=(--limit "$limit")
  "$FIXTUREGEN" "${gen_args[@]}" >/dev/null
  "$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
  (cd "$src" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m bench)
  mkdir -p "$mirror"
  MATHLIB_CACHE_DIR="$mirror/f" "$LEANCACHE" -C "$src" pack >/dev/null 2>&1
  n=$(ls "$mirror/f" | grep -c '\.ltar$')
}
