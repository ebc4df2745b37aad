#include "common/hash/lean_hash.h"

#include <bit>
#include <cstdio>
#include <cstring>

namespace leancache::hash {
namespace {

constexpr uint64_t kM = 0xc6a4a7935bd1e995ULL;
constexpr int kR = 47;
constexpr uint64_t kStringSeed = 11;
constexpr uint64_t kListSeed = 7;

// One unaligned 8-byte load on little-endian hosts (g++ -O2 did not merge the byte loop: it ran
// 8 load/shift/or steps per word, most of the hash's time).
uint64_t LoadLittleEndian64(const unsigned char* p) {
  if constexpr (std::endian::native == std::endian::little) {
    uint64_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  } else {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
}

}  // namespace

uint64_t StringHash(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t len = bytes.size();
  uint64_t h = kStringSeed ^ (static_cast<uint64_t>(len) * kM);
  const size_t blocks = len / 8;
  for (size_t b = 0; b < blocks; ++b) {
    uint64_t k = LoadLittleEndian64(data + 8 * b);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h ^= k;
    h *= kM;
  }
  const unsigned char* tail = data + 8 * blocks;
  const size_t rem = len % 8;
  if (rem > 0) {
    for (size_t i = 0; i < rem; ++i) h ^= static_cast<uint64_t>(tail[i]) << (8 * i);
    h *= kM;
  }
  h ^= h >> kR;
  h *= kM;
  h ^= h >> kR;
  return h;
}

uint64_t ListHash(absl::Span<const uint64_t> items) {
  uint64_t r = kListSeed;
  for (uint64_t x : items) r = MixHash(r, x);
  return r;
}

uint64_t StringListHash(absl::Span<const std::string> items) {
  uint64_t r = kListSeed;
  for (const std::string& s : items) r = MixHash(r, StringHash(s));
  return r;
}

std::string Hex16(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(value));
  return std::string(buf, 16);
}

}  // namespace leancache::hash
