#!/usr/bin/python3
"""lakehash.py -- Lake's artifact content hash for tests, implemented independently of the C++.

Lake names a cached artifact by ByteArray.hash of its bytes: MurmurHash64A, seed 11, blocks read
little-endian (spec lean-hash.md §A.1).

usage: lakehash.py FILE...     prints "<hash16>  FILE" per file
"""
import sys

M = 0xC6A4A7935BD1E995
R = 47
MASK = (1 << 64) - 1


def lake_hash(data: bytes) -> int:
    h = (11 ^ (len(data) * M)) & MASK
    nblocks = len(data) // 8
    for i in range(nblocks):
        k = int.from_bytes(data[8 * i:8 * i + 8], "little")
        k = (k * M) & MASK
        k ^= k >> R
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    tail = data[8 * nblocks:]
    if tail:
        for i, b in enumerate(tail):
            h ^= b << (8 * i)
        h = (h * M) & MASK
    h ^= h >> R
    h = (h * M) & MASK
    h ^= h >> R
    return h


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            print("%016x  %s" % (lake_hash(f.read()), path))
