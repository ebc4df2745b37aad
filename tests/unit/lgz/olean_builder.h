// Test support: builds graphs of Lean runtime objects and lays them out as .olean images the
// way Lean's compactor does (DFS post-order, fields left to right, shared objects once), per
// the object model of ltar.md §8.2. Independent of the code under test.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leancache::lgz::testing {

// A value: a boxed scalar word (odd) or 2 * object index (even).
using Ref = uint64_t;

inline Ref Scalar(int64_t v) { return (static_cast<uint64_t>(v) << 1) | 1; }
inline bool IsScalarRef(Ref r) { return (r & 1) != 0; }

struct HeaderOptions {
  int version = 2;                 // 0, 1 or 2
  bool gmp = true;                 // v2 flags bit 0 (v0/v1: must be true, see olean_header.h)
  std::string lean_version = "4.25.0";
  std::string githash = "0123456789abcdef0123456789abcdef01234567";
  uint64_t base = 0x12340000;      // 64 KiB aligned
};

class OleanBuilder {
 public:
  // Constructor `tag` (<= 243) with pointer `fields` and raw scalar area (padded to 8).
  Ref Ctor(uint8_t tag, std::vector<Ref> fields, std::string scalars = {});
  Ref Array(std::vector<Ref> elems);
  Ref ScalarArray(std::string bytes, uint8_t elem_size = 0);
  Ref String(std::string utf8);
  // Big natural/integer from little-endian 64-bit limbs (top limb non-zero).
  Ref Mpz(std::vector<uint64_t> limbs, bool negative = false);
  Ref Thunk(Ref v) { return Box(251, v); }
  Ref Task(Ref v) { return Box(252, v); }
  Ref RefObj(Ref v) { return Box(253, v); }
  Ref Promise(Ref v) { return Box(244, v); }

  // First scalar word of a constructor (its cached hash/data word for Name/Level/Expr).
  uint64_t ScalarWord(Ref r, size_t i = 0) const;
  uint8_t TagOf(Ref r) const { return objs_[r / 2].tag; }
  const std::string& Bytes(Ref r) const { return objs_[r / 2].bytes; }
  const std::vector<Ref>& Fields(Ref r) const { return objs_[r / 2].ptrs; }
  size_t size() const { return objs_.size(); }

  // Lays out one file per root (3 roots = a module chained at 64 KiB boundaries). Objects
  // reachable from an earlier root are placed in the earlier file.
  std::vector<std::string> Serialize(const std::vector<Ref>& roots, const HeaderOptions& opt) const;

 private:
  struct Obj {
    uint8_t tag;
    uint8_t other;
    bool negative = false;
    std::vector<Ref> ptrs;
    std::string bytes;  // ctor scalars / array bytes / string bytes / mpz limbs
  };
  Ref Box(uint8_t tag, Ref v);
  Ref Add(Obj o);
  std::vector<Obj> objs_;
};

// Lean's mixHash and String.hash (written independently for the generator).
uint64_t GenMix(uint64_t h, uint64_t k);
uint64_t GenStrHash(const std::string& s);

}  // namespace leancache::lgz::testing
