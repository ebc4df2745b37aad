// The Lean runtime object model as it appears in compacted .olean images (ltar.md §8.2), and a
// bounds-checked read-only view onto such an image.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "common/lgz/byte_io.h"

namespace leancache::lgz {

inline constexpr uint8_t kMaxCtorTag = 243;
inline constexpr uint8_t kTagPromise = 244;
inline constexpr uint8_t kTagClosure = 245;
inline constexpr uint8_t kTagArray = 246;
inline constexpr uint8_t kTagStructArray = 247;
inline constexpr uint8_t kTagScalarArray = 248;
inline constexpr uint8_t kTagString = 249;
inline constexpr uint8_t kTagMpz = 250;
inline constexpr uint8_t kTagThunk = 251;
inline constexpr uint8_t kTagTask = 252;
inline constexpr uint8_t kTagRef = 253;

// Header word of every object: rc u32, cs_sz u16, other u8, tag u8.
struct ObjHeader {
  uint32_t rc;
  uint16_t cs_sz;
  uint8_t other;
  uint8_t tag;
};

inline ObjHeader ReadHeader(const uint8_t* p) {
  return ObjHeader{Load32(p), Load16(p + 4), p[6], p[7]};
}
inline uint64_t MakeHeaderWord(uint16_t cs_sz, uint8_t other, uint8_t tag) {
  return (uint64_t{cs_sz} << 32) | (uint64_t{other} << 48) | (uint64_t{tag} << 56);
}

inline bool IsScalar(uint64_t word) { return (word & 1) != 0; }
// Boxed scalar -> signed 63-bit value (arithmetic shift) and back.
inline int64_t UnboxSigned(uint64_t word) { return static_cast<int64_t>(word) >> 1; }
inline uint64_t Box(int64_t v) { return (static_cast<uint64_t>(v) << 1) | 1; }

// A read-only window onto a Lean heap image whose byte 0 is mapped at address `base`.
// Every accessor checks bounds; out-of-range reads yield std::nullopt / nullptr.
class HeapView {
 public:
  HeapView(const uint8_t* data, uint64_t size, uint64_t base) : data_(data), size_(size), base_(base) {}

  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }

  // Pointer to `len` bytes at absolute address `addr`, or nullptr if outside the image.
  const uint8_t* At(uint64_t addr, uint64_t len) const {
    if (addr < base_) return nullptr;
    uint64_t off = addr - base_;
    if (off > size_ || len > size_ - off) return nullptr;
    return data_ + off;
  }

  // Constructor shape: (tag, #pointer fields, #scalar words), if `word` points at a constructor
  // (tag <= 243) whose cs_sz is consistent.
  struct CtorShape {
    uint8_t tag;
    uint32_t num_ptrs;
    uint32_t num_scalars;
  };
  std::optional<CtorShape> Ctor(uint64_t word) const {
    if (IsScalar(word)) return std::nullopt;
    const uint8_t* p = At(word, 8);
    if (p == nullptr) return std::nullopt;
    ObjHeader h = ReadHeader(p);
    if (h.tag > kMaxCtorTag || h.cs_sz % 8 != 0 || h.cs_sz < 8u * (1u + h.other)) return std::nullopt;
    if (At(word, h.cs_sz) == nullptr) return std::nullopt;
    return CtorShape{h.tag, h.other, h.cs_sz / 8u - 1u - h.other};
  }
  // Word `i` of the object at `addr` after the header (fields, then scalar words). Caller has
  // checked the shape.
  uint64_t Word(uint64_t addr, uint32_t i) const { return Load64(data_ + (addr - base_) + 8 + 8 * uint64_t{i}); }

  // Tag of the heap object at `word`, if any.
  std::optional<uint8_t> Tag(uint64_t word) const {
    if (IsScalar(word)) return std::nullopt;
    const uint8_t* p = At(word, 8);
    if (p == nullptr) return std::nullopt;
    return p[7];
  }

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t base_;
};

// Size in bytes (padded to 8) of the object at `p` (absolute address `addr`, `avail` bytes
// readable), after checking the layout the LGZ transform relies on. `gmp` selects the MPZ
// layout. Errors (InvalidArgument) name the offending property; they cover everything leantar
// 0.1.19 panics on (closures, struct arrays, externals, interior-NUL strings) plus layouts it
// would silently mangle beyond repair (scalar arrays with element size > 1).
absl::StatusOr<uint64_t> CheckedObjectSize(const uint8_t* p, uint64_t avail, uint64_t addr, bool gmp);

// Number of pointer words of the object at `p` (already checked by CheckedObjectSize) and the
// offset of the first one: constructor fields, array elements, thunk/task/ref/promise value.
struct PointerRange {
  uint64_t offset;
  uint64_t count;
};
PointerRange PointerFields(const uint8_t* p);

}  // namespace leancache::lgz
