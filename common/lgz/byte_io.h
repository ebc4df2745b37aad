// Little-endian load/store helpers for olean images and LGZ streams.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace leancache::lgz {

static_assert(std::endian::native == std::endian::little,
              "the LGZ transform assumes a little-endian host (as Lean's oleans do)");

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline void Store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

inline void Append64(std::string& out, uint64_t v) {
  out.append(reinterpret_cast<const char*>(&v), 8);
}
inline void Append32(std::string& out, uint32_t v) {
  out.append(reinterpret_cast<const char*>(&v), 4);
}
inline void Append16(std::string& out, uint16_t v) {
  out.append(reinterpret_cast<const char*>(&v), 2);
}

// Rounds `n` up to a multiple of 8 (object alignment in Lean heaps).
inline uint64_t RoundUp8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

inline const uint8_t* Bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace leancache::lgz
