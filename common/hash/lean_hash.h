// Lean 4 runtime hash primitives, bit-exact (spec: lean-hash.md §A.1–A.3).
//
// These functions reproduce what a compiled Lean program computes for `String.hash`,
// `ByteArray.hash`, `mixHash` and `hash (xs : List UInt64)`. Mathlib's cache keys and Lake's
// artifact names are built from them, so any deviation changes every key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"

namespace leancache::hash {

// MurmurHash64A with seed 11 over `bytes` (Lean `String.hash` of the UTF-8 bytes, and also
// `ByteArray.hash`). Blocks are read little-endian regardless of the host.
uint64_t StringHash(std::string_view bytes);

// Lean `ByteArray.hash`: the same function as StringHash over raw bytes.
inline uint64_t BytesHash(std::string_view bytes) { return StringHash(bytes); }

// Lean `mixHash h k` (`lean_uint64_mix_hash`). Quirk: the third step is `k ^= m`, not `k *= m`.
// Not symmetric: `h` is the accumulator. Inline: the LGZ codec calls it for every Name, Level
// and Expr node it rebuilds.
inline uint64_t MixHash(uint64_t h, uint64_t k) {
  constexpr uint64_t kM = 0xc6a4a7935bd1e995ULL;
  k *= kM;
  k ^= k >> 47;
  k ^= kM;  // sic: XOR, not multiply (lean_uint64_mix_hash)
  h ^= k;
  h *= kM;
  return h;
}

// Lean `hash (xs : List UInt64)`: left fold `r := mixHash r x` starting from 7.
uint64_t ListHash(absl::Span<const uint64_t> items);

// Lean `hash (xs : List String)`: the fold from 7 over the String hashes of the items.
uint64_t StringListHash(absl::Span<const std::string> items);

// `%016x` rendering of a hash (16 lowercase hex digits, zero-padded).
std::string Hex16(uint64_t value);

}  // namespace leancache::hash
