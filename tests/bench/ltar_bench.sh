#!/usr/bin/env bash
# Benchmark: pack and unpack throughput of `ltar` on a generated set of Lean module outputs,
# next to plain `zstd -19` / `zstd -d` on the same bytes (the floor), plus compression ratios.
#
# Modules (N, default 45) cycle through three shapes:
#   * real module: the vectors' Plausible Attr .olean/.olean.server/.olean.private (LGZ mode 5);
#   * small real-looking olean: the vectors' synthetic syn/basic.olean (LGZ mode 1);
#   * generated binary "olean" (structured records; not a valid olean -> zstd mode 0);
# each with a Lake v3 .trace, .ilean (JSON), .c (C text), .ir (binary-ish) and 16-hex .hash files.
# Pack: one ltar process per module (as Mathlib's CI does) vs one `zstd -19` over the per-module
# concatenations. Unpack: one `ltar -x` over all archives (as `lake exe cache get`) with --jobs 1
# and default jobs vs one `zstd -d` over all .zst files.
set -euo pipefail

B="${LEANCACHE_BINARY_DIR:-/work/build}"
SHARED="${LEANCACHE_SHARED_DIR:-/work/shared}"
VEC="$SHARED/vectors/ltar"
N="${N:-45}"
if [ -f "$B/client/ltar" ] && [ -x "$B/client/ltar" ]; then LTAR="$B/client/ltar"
elif [ -x "$B/client/ltar/ltar" ]; then LTAR="$B/client/ltar/ltar"
else echo "ltar binary not found under $B/client" >&2; exit 1; fi
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }

W="$(mktemp -d /tmp/ltar_bench.XXXXXX)"
trap 'rm -rf "$W"' EXIT
SRC="$W/src"; mkdir -p "$SRC" "$W/ltar" "$W/zst" "$W/cat"

python3 - "$SRC" "$VEC" "$N" <<'PY'
import json, os, random, sys
src, vec, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(42)
attr = {s: open(f"{vec}/m/P/Attr.{s}", "rb").read() for s in ("olean", "olean.server", "olean.private")}
basic = open(f"{vec}/syn/basic.olean", "rb").read()
words = ["Nat", "List", "succ", "zero", "add", "mul", "Eq", "rfl", "Mathlib", "Algebra", "Group",
         "Ring", "Field", "theorem", "instance", "simp", "lemma", "Finset", "sum", "prod"]
def hexh(): return "%016x" % rnd.getrandbits(64)
def gen_olean(size):
    out = bytearray(b"OLEANish")
    while len(out) < size:
        name = ".".join(rnd.choice(words) for _ in range(rnd.randint(1, 4))).encode()
        out += len(name).to_bytes(8, "little") + name + b"\0" * (8 - len(name) % 8)
        for _ in range(rnd.randint(1, 6)):
            out += (0x12340000 + 8 * rnd.randint(0, size // 8)).to_bytes(8, "little")
        out += rnd.getrandbits(64).to_bytes(8, "little")
    return bytes(out[:size])
def w(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f: f.write(data if isinstance(data, bytes) else data.encode())
for k in range(n):
    stem = f"{src}/M{k:03d}"
    files = []
    kind = k % 3
    if kind == 0:
        for s in ("olean", "olean.server", "olean.private"):
            w(f"{stem}.{s}", attr[s]); files.append(s)
    elif kind == 1:
        w(f"{stem}.olean", basic); files.append("olean")
    else:
        w(f"{stem}.olean", gen_olean(rnd.randint(60_000, 250_000))); files.append("olean")
    for s in list(files):
        w(f"{stem}.{s}.hash", hexh()); files.append(s + ".hash")
    refs = {".".join(rnd.choice(words) for _ in range(3)): [[rnd.randint(1, 900), rnd.randint(0, 80)] for _ in range(rnd.randint(1, 8))] for _ in range(rnd.randint(50, 400))}
    w(f"{stem}.ilean", json.dumps({"version": 2, "module": f"M{k}", "directImports": [], "references": refs}))
    w(f"{stem}.ilean.hash", hexh())
    body = "".join(f"LEAN_EXPORT lean_object* l_{rnd.choice(words)}_{i}(lean_object* x_{i}) {{\n  lean_inc(x_{i});\n  return lean_nat_add(x_{i}, lean_box({rnd.randint(0, 99)}));\n}}\n" for i in range(rnd.randint(200, 1500)))
    w(f"{stem}.c", "// Lean compiler output\n#include <lean/lean.h>\n" + body)
    w(f"{stem}.c.hash", hexh())
    w(f"{stem}.ir", bytes(rnd.getrandbits(8) if rnd.random() < 0.3 else 0 for _ in range(rnd.randint(2000, 20000))))
    w(f"{stem}.ir.hash", hexh())
    files += ["ilean", "ilean.hash", "c", "c.hash", "ir", "ir.hash"]
    trace = {"schemaVersion": "2025-09-10", "depHash": hexh(),
             "outputs": {"o": [hexh() + ".olean"], "i": hexh() + ".ilean", "c": hexh() + ".c", "r": hexh() + ".ir"},
             "log": [], "synthetic": False, "inputs": [["M", hexh()]]}
    w(f"{stem}.trace", json.dumps(trace))
    order = ["olean", "olean.server", "olean.private", "olean.hash", "olean.server.hash",
             "olean.private.hash", "ilean", "ilean.hash", "ir", "ir.hash", "c", "c.hash"]
    with open(f"{stem}.list", "w") as f:
        f.write("\n".join(f"M{k:03d}.{s}" for s in order if s in files) + "\n")
PY

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
for k in $(seq -f "%03g" 0 $((N - 1))); do
  # Concatenation of the module's files: the floor's input.
  (cd "$SRC" && cat "M$k.trace" $(cat "M$k.list")) > "$W/cat/M$k.bin"
  input_bytes=$((input_bytes + $(stat -c %s "$W/cat/M$k.bin")))
done

pack_all() {
  for k in $(seq -f "%03g" 0 $((N - 1))); do
    (cd "$SRC" && "$LTAR" "$W/ltar/M$k.ltar" "M$k.trace" $(cat "M$k.list"))
  done
}
# --- pack ----------------------------------------------------------------------------------------
measure pack_ltar pack_all
measure pack_zstd zstd -q -19 --no-check "$W"/cat/*.bin --output-dir-flat "$W/zst"
ltar_bytes=$(cat "$W"/ltar/*.ltar | wc -c); zst_bytes=$(cat "$W"/zst/*.zst | wc -c)

# --- unpack --------------------------------------------------------------------------------------
mkdir -p "$W/out1" "$W/outN" "$W/outz"
measure unpack_ltar1 "$LTAR" -C "$W/out1" --jobs 1 -x "$W"/ltar/*.ltar
measure unpack_ltarN "$LTAR" -C "$W/outN" -x "$W"/ltar/*.ltar
measure unpack_zstd zstd -q -d "$W"/zst/*.zst --output-dir-flat "$W/outz"

# Sanity: the unpacked tree equals the input (traces are normalised, so compare the rest).
for k in $(seq -f "%03g" 0 $((N - 1))); do
  for f in $(cat "$SRC/M$k.list"); do cmp -s "$SRC/$f" "$W/out1/$f" || { echo "MISMATCH $f" >&2; exit 1; }; done
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
