#!/usr/bin/python3
"""Builds a Mathlib-style cache mirror from a generated workspace with built artifacts.

usage: mirror.py LTAR PROJECT HASHES OUT_DIR [PREFIX]   (LEANCACHE_MIRROR_JOBS=N packs in N processes)
  HASHES: output of `leancache hash` (Module<TAB>hash16). Each module's build files are packed
  exactly as Mathlib's `pack` does (spec §6.2 order, paths relative to the project root, trace
  first, `-c git=mathlib4@<sha>`), into OUT_DIR/PREFIX/<hash16>.ltar (PREFIX default "f").
  Prints the number of archives written.
"""
import json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

ltar, project, hashes, out = sys.argv[1:5]
prefix = sys.argv[5] if len(sys.argv) > 5 else "f"
os.makedirs(os.path.join(out, prefix), exist_ok=True)

def package_dirs():
    dirs = ["."]
    pk = os.path.join(project, ".lake", "packages")
    if os.path.isdir(pk):
        dirs += [os.path.join(".lake", "packages", d) for d in sorted(os.listdir(pk))]
    return dirs

PKGS = package_dirs()
LIB = [".trace", ".olean", ".olean.server", ".olean.private", ".olean.hash",
       ".olean.server.hash", ".olean.private.hash", ".ilean", ".ilean.hash", ".ir", ".ir.hash"]
REQUIRED = {".trace", ".olean", ".olean.server", ".olean.private", ".olean.hash",
            ".olean.server.hash", ".olean.private.hash", ".ilean", ".ilean.hash", ".c", ".c.hash"}
jobs = []
for line in open(hashes):
    mod, h = line.rstrip("\n").split("\t")
    rel = mod.replace(".", "/")
    pkg = next((p for p in PKGS if os.path.exists(os.path.join(project, p, rel + ".lean"))), None)
    if pkg is None:
        continue
    lib = os.path.join(pkg, ".lake", "build", "lib", "lean", rel)
    ir = os.path.join(pkg, ".lake", "build", "ir", rel)
    files = [(ext, lib + ext) for ext in LIB] + [(".c", ir + ".c"), (".c.hash", ir + ".c.hash"),
                                                 (".extra", lib + ".extra")]
    have = [(ext, f) for ext, f in files if os.path.exists(os.path.join(project, f))]
    if not REQUIRED <= {ext for ext, _ in have}:
        continue
    paths = [f if f.startswith(".lake") else "./" + f for _, f in have]
    archive = os.path.join(out, prefix, h + ".ltar")
    jobs.append([ltar, archive, paths[0], "-c", "git=mathlib4@0123456789abcdef0123456789abcdef01234567"]
                + paths[1:])
# `ltar --pack-batch`: one process packs a share of the archives (its zstd set-up, most of the
# time of a small archive, is paid once per process instead of once per archive).
workers = max(1, int(os.environ.get("LEANCACHE_MIRROR_JOBS", "1")))
def pack_share(share):
    lines = "".join(json.dumps(argv[1:]) + "\n" for argv in share)
    subprocess.run([ltar, "--pack-batch"], input=lines.encode(), cwd=project, check=True)
with ThreadPoolExecutor(max_workers=workers) as pool:
    list(pool.map(pack_share, [jobs[i::workers] for i in range(workers)]))
print(len(jobs))
