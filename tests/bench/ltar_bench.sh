#!/usr/bin/env bash
# Benchmark: pack and unpack throughput of `ltar` on realistic Lean module outputs, next to plain
# `zstd -19` / `zstd -d` on the same bytes (the floor), plus compression ratios.
#
# Content: `leancache-fixturegen --real-oleans --limit N` (default 45 modules of the real import
# graph, closed under imports): per module a real-format .olean/.olean.server/.olean.private
# triplet (LGZ mode 5), .ilean, .c and their .hash files and the Lake trace, at Mathlib's sizes.
# Pack: one ltar process per module, as Mathlib's CI does (base 0 = lib/lean, base 1 = ir), vs one
# `zstd -19` over the per-module concatenations. Unpack: one `ltar -x` over all archives (as
# `lake exe cache get`) with --jobs 1 and default jobs vs one `zstd -d` over all .zst files.
set -euo pipefail

B="${LEANCACHE_BINARY_DIR:-/work/build}"
SHARED="${LEANCACHE_SHARED_DIR:-/work/shared}"
N="${N:-45}"
if [ -f "$B/client/ltar" ] && [ -x "$B/client/ltar" ]; then LTAR="$B/client/ltar"
elif [ -x "$B/client/ltar/ltar" ]; then LTAR="$B/client/ltar/ltar"
else echo "ltar binary not found under $B/client" >&2; exit 1; fi
LTAR="$(cd "$(dirname "$LTAR")" && pwd)/$(basename "$LTAR")"
FIXTUREGEN="$B/tests/tools/fixturegen/leancache-fixturegen"
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }

W="$(mktemp -d /tmp/ltar_bench.XXXXXX)"
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/ltar" "$W/zst" "$W/cat"
"$FIXTUREGEN" --graph "$SHARED/data/mathlib-import-graph.tsv" --out "$W/ws" --real-oleans --limit "$N" >/dev/null
LIB="$W/ws/.lake/build/lib/lean"; IR="$W/ws/.lake/build/ir"
# One list per module: "<base> <path>" lines, trace first (base 0 = LIB, 1 = IR).
k=0
while read -r trace; do
  stem="${trace%.trace}"
  {
    echo "0 $stem.trace"
    for s in olean olean.server olean.private olean.hash olean.server.hash olean.private.hash ilean ilean.hash; do
      echo "0 $stem.$s"
    done
    echo "1 $stem.c"; echo "1 $stem.c.hash"
  } >"$W/M$(printf %03d $k).list"
  k=$((k + 1))
done < <(cd "$LIB" && find . -name '*.trace' | sed 's|^\./||' | sort)
N=$k

# measure NAME CMD...: runs CMD, records wall and CPU (user+sys of the process tree) seconds.
# CPU time is the robust number on a shared machine; wall time is shown too.
TIMEFORMAT='%R %U %S'
declare -A WALL CPU
measure() {
  local name="$1"; shift
  local t
  t=$( { time "$@" >/dev/null 2>"$W/err.$name"; } 2>&1 ) || { cat "$W/err.$name" >&2; exit 1; }
  read -r r u s <<<"$t"
  WALL[$name]=$r
  CPU[$name]=$(python3 -c "print(f'{$u + $s:.3f}')")
}

input_bytes=0
base_dir() { if [ "$1" = 0 ]; then echo "$LIB"; else echo "$IR"; fi; }
for k in $(seq -f "%03g" 0 $((N - 1))); do
  # Concatenation of the module's files: the floor's input.
  while read -r b f; do cat "$(base_dir "$b")/$f"; done <"$W/M$k.list" > "$W/cat/M$k.bin"
  input_bytes=$((input_bytes + $(stat -c %s "$W/cat/M$k.bin")))
done

pack_all() {
  for k in $(seq -f "%03g" 0 $((N - 1))); do
    local args=() trace=""
    while read -r b f; do
      if [ -z "$trace" ]; then trace="$f"; elif [ "$b" = 0 ]; then args+=("$f"); else args+=(-i 1 "$f"); fi
    done <"$W/M$k.list"
    "$LTAR" -C "$LIB" -C "$IR" "$W/ltar/M$k.ltar" "$trace" "${args[@]}"
  done
}
# --- pack ----------------------------------------------------------------------------------------
measure pack_ltar pack_all
measure pack_zstd zstd -q -19 --no-check "$W"/cat/*.bin --output-dir-flat "$W/zst"
ltar_bytes=$(cat "$W"/ltar/*.ltar | wc -c); zst_bytes=$(cat "$W"/zst/*.zst | wc -c)

# --- unpack --------------------------------------------------------------------------------------
mkdir -p "$W/out1" "$W/outN" "$W/outz"
measure unpack_ltar1 "$LTAR" -C "$W/out1/lib" -C "$W/out1/ir" --jobs 1 -x "$W"/ltar/*.ltar
measure unpack_ltarN "$LTAR" -C "$W/outN/lib" -C "$W/outN/ir" -x "$W"/ltar/*.ltar
measure unpack_zstd zstd -q -d "$W"/zst/*.zst --output-dir-flat "$W/outz"

# Sanity: the unpacked tree equals the input (traces are normalised, so compare the rest).
for k in $(seq -f "%03g" 0 $((N - 1))); do
  while read -r b f; do
    [ "${f%.trace}" != "$f" ] && continue
    out="$W/out1/lib/$f"; [ "$b" = 1 ] && out="$W/out1/ir/$f"
    cmp -s "$(base_dir "$b")/$f" "$out" || { echo "MISMATCH $f" >&2; exit 1; }
  done <"$W/M$k.list"
done

python3 - "$N" "$input_bytes" "$ltar_bytes" "$zst_bytes" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
  "${CPU[pack_ltar]}" "${CPU[pack_zstd]}" "${CPU[unpack_ltar1]}" "${CPU[unpack_ltarN]}" "${CPU[unpack_zstd]}" \
  "${WALL[pack_ltar]}" "${WALL[pack_zstd]}" "${WALL[unpack_ltar1]}" "${WALL[unpack_ltarN]}" "${WALL[unpack_zstd]}" <<'PY'
import sys
n, inb, lb, zb = (int(x) for x in sys.argv[1:5])
cpus, load = sys.argv[5], sys.argv[6]
cpu = [float(x) for x in sys.argv[7:12]]
wall = [float(x) for x in sys.argv[12:17]]
mb = inb / 1e6
print(f"ltar benchmark: {n} modules, {mb:.2f} MB of module outputs, {cpus} CPUs, load avg {load}")
print("times in seconds; CPU = user+sys of all processes (robust on a busy machine), wall in ()")
print(f"{'operation':<36}{'ltar CPU':>10}{'zstd CPU':>10}{'ltar/zstd':>11}{'ltar MB/s':>11}{'zstd MB/s':>11}{'   wall ltar / zstd':>20}")
def row(name, l, z, wl, wz):
    print(f"{name:<36}{l:>10.3f}{z:>10.3f}{l / z:>10.2f}x{mb / l:>11.1f}{mb / z:>11.1f}     ({wl:.2f} / {wz:.2f})")
row(f"pack ({n} ltar procs vs 1 zstd -19)", cpu[0], cpu[1], wall[0], wall[1])
row("unpack (1 ltar --jobs 1 vs zstd -d)", cpu[2], cpu[4], wall[2], wall[4])
row("unpack (1 ltar, default --jobs)", cpu[3], cpu[4], wall[3], wall[4])
print(f"{'compressed bytes':<36}{lb:>10}{zb:>10}{lb / zb:>10.2f}x")
print(f"{'compression ratio (input/output)':<36}{inb / lb:>10.2f}{inb / zb:>10.2f}")
PY
