#include "common/lgz/exprish.h"

#include <algorithm>
#include <string_view>

#include "common/hash/lean_hash.h"

namespace leancache::lgz {
namespace {

using hash::MixHash;

inline uint64_t Lo32(uint64_t v) { return v & 0xFFFFFFFFULL; }

// Level data layout: hash (32 bits) | bits << 32 (8 bits) | depth << 40 (24 bits).
inline uint64_t LvlBits(uint64_t d) { return (d >> 32) & 0xFF; }
inline uint64_t LvlDepth(uint64_t d) { return d >> 40; }
inline uint64_t MakeLevel(uint64_t h, uint64_t bits, uint64_t depth) {
  return Lo32(h) | (bits & 0xFF) << 32 | depth << 40;
}

// Expr data layout: hash (32) | approxDepth << 32 (8) | bits << 40 (4) | looseBVarRange << 44 (20).
inline uint64_t ExDepth(uint64_t d) { return (d >> 32) & 0xFF; }
inline uint64_t ExBits(uint64_t d) { return (d >> 40) & 0xF; }
inline uint64_t ExBVars(uint64_t d) { return d >> 44; }
inline uint64_t Sat8(uint64_t v) { return v > 255 ? 255 : v; }
// `bits` is not masked to 4 bits: like leantar, the level bits shifted in by const/sort keep all
// 8 bits (they are <= 3 in every real olean).
inline uint64_t MakeExpr(uint64_t h, uint64_t depth, uint64_t bits, uint64_t bvars) {
  return Lo32(h) | (depth & 0xFF) << 32 | (bits & 0xFF) << 40 | (bvars & 0xFFFFFFFF) << 44;
}

}  // namespace

std::optional<uint64_t> NumHashOf(const HeapView& heap, uint64_t word, bool gmp) {
  if (IsScalar(word)) return word >> 1;
  auto tag = heap.Tag(word);
  if (!tag || *tag != kTagMpz) return std::nullopt;
  if (gmp) {
    const uint8_t* p = heap.At(word, 32);
    if (p == nullptr) return std::nullopt;
    int32_t size = static_cast<int32_t>(Load32(p + 12));
    uint64_t limb = Load64(p + 24);
    return size < 0 ? uint64_t{0} - limb : limb;
  }
  const uint8_t* p = heap.At(word, 40);  // the low 8 limb bytes, whatever the digit count
  if (p == nullptr) return std::nullopt;
  uint64_t low = Load64(p + 32);
  return Load64(p + 8) != 0 ? uint64_t{0} - low : low;
}

std::optional<uint64_t> StrHashOf(const HeapView& heap, uint64_t word, uint64_t* budget) {
  auto tag = heap.Tag(word);
  if (!tag || *tag != kTagString) return std::nullopt;
  const uint8_t* p = heap.At(word, 32);
  if (p == nullptr) return std::nullopt;
  uint64_t n = Load64(p + 8);
  if (n == 0 || n > heap.size()) return std::nullopt;
  const uint8_t* bytes = heap.At(word + 32, n);
  if (bytes == nullptr || n - 1 > *budget) return std::nullopt;
  *budget -= n - 1;
  return hash::StringHash(std::string_view(reinterpret_cast<const char*>(bytes), n - 1));
}

std::optional<uint64_t> LitHashOf(const HeapView& heap, uint64_t word, bool gmp, uint64_t* budget) {
  auto tag = heap.Tag(word);
  const uint8_t* p = heap.At(word, 16);
  if (!tag || p == nullptr || *tag > 1) return std::nullopt;
  uint64_t field = Load64(p + 8);
  return *tag == 0 ? NumHashOf(heap, field, gmp) : StrHashOf(heap, field, budget);
}

// Like leantar: the walk stops (keeping what it has) at a scalar, at a cell whose tag is not 1
// (List.cons) or whose head has no level data. A tag-1 cell with < 2 fields (leantar loops
// forever) or an exhausted budget fails.
std::optional<LevelListInfo> LevelListOf(const HeapView& heap, uint64_t word, uint64_t* budget) {
  LevelListInfo info{7, 0};
  while (!IsScalar(word)) {
    if (*budget == 0) return std::nullopt;
    --*budget;
    const uint8_t* p = heap.At(word, 8);
    if (p == nullptr) return std::nullopt;
    ObjHeader h = ReadHeader(p);
    if (h.tag != 1) break;
    if (h.other < 2 || (p = heap.At(word, 24)) == nullptr) return std::nullopt;
    auto ld = LevelDataOf(heap, Load64(p + 8));
    if (!ld) break;
    info.hash = MixHash(info.hash, Lo32(*ld));
    info.bits |= LvlBits(*ld);
    word = Load64(p + 16);
  }
  return info;
}

uint64_t NameStrHash(uint64_t prefix_hash, uint64_t str_hash) { return MixHash(prefix_hash, str_hash); }
uint64_t NameNumHash(uint64_t prefix_hash, uint64_t num_word) {
  return MixHash(prefix_hash, IsScalar(num_word) ? num_word >> 1 : 17);
}

uint64_t LevelSuccData(uint64_t d) { return MakeLevel(MixHash(2243, Lo32(d)), LvlBits(d), LvlDepth(d) + 1); }
static uint64_t LevelMaxLike(uint64_t seed, uint64_t d1, uint64_t d2) {
  return MakeLevel(MixHash(seed, MixHash(Lo32(d1), Lo32(d2))), LvlBits(d1) | LvlBits(d2),
                   std::max(LvlDepth(d1), LvlDepth(d2)) + 1);
}
uint64_t LevelMaxData(uint64_t d1, uint64_t d2) { return LevelMaxLike(2251, d1, d2); }
uint64_t LevelIMaxData(uint64_t d1, uint64_t d2) { return LevelMaxLike(2267, d1, d2); }
uint64_t LevelParamData(uint64_t name_hash) { return MakeLevel(MixHash(2239, name_hash), 2, 0); }
uint64_t LevelMVarData(uint64_t name_hash) { return MakeLevel(MixHash(2237, name_hash), 1, 0); }

uint64_t ExprBVarData(uint64_t idx) { return MakeExpr(MixHash(7, idx), 0, 0, idx + 1); }
uint64_t ExprFVarData(uint64_t name_hash) { return MakeExpr(MixHash(13, MixHash(0, name_hash)), 0, 1, 0); }
uint64_t ExprMVarData(uint64_t name_hash) { return MakeExpr(MixHash(17, MixHash(0, name_hash)), 0, 2, 0); }
uint64_t ExprSortData(uint64_t level_data) {
  return MakeExpr(MixHash(11, Lo32(level_data)), 0, (LvlBits(level_data) << 2) & 0xFF, 0);
}
uint64_t ExprConstData(uint64_t name_hash, const LevelListInfo& levels) {
  return MakeExpr(MixHash(5, MixHash(name_hash, levels.hash)), 0, (levels.bits << 2) & 0xFF, 0);
}
uint64_t ExprAppData(uint64_t f, uint64_t a) {
  uint64_t depth = std::max(ExDepth(f), ExDepth(a)) + 1;
  return MakeExpr(MixHash(f, a), Sat8(depth), ExBits(f) | ExBits(a), std::max(ExBVars(f), ExBVars(a)));
}
uint64_t ExprBinderData(uint64_t type, uint64_t body) {
  uint64_t depth = std::max(ExDepth(type), ExDepth(body)) + 1;
  uint64_t bb = ExBVars(body);
  return MakeExpr(MixHash(depth, MixHash(Lo32(type), Lo32(body))), Sat8(depth), ExBits(type) | ExBits(body),
                  std::max(ExBVars(type), bb == 0 ? 0 : bb - 1));
}
uint64_t ExprLetData(uint64_t type, uint64_t value, uint64_t body) {
  uint64_t depth = std::max({ExDepth(type), ExDepth(value), ExDepth(body)}) + 1;
  uint64_t bb = ExBVars(body);
  return MakeExpr(MixHash(depth, MixHash(Lo32(type), MixHash(Lo32(value), Lo32(body)))), Sat8(depth),
                  ExBits(type) | ExBits(value) | ExBits(body),
                  std::max({ExBVars(type), ExBVars(value), bb == 0 ? 0 : bb - 1}));
}
uint64_t ExprLitData(uint64_t lit_hash) { return MakeExpr(MixHash(3, lit_hash), 0, 0, 0); }
uint64_t ExprMDataData(uint64_t e) {
  uint64_t depth = ExDepth(e) + 1;
  return MakeExpr(MixHash(depth, Lo32(e)), Sat8(depth), ExBits(e), ExBVars(e));
}
uint64_t ExprProjData(uint64_t struct_name_hash, uint64_t idx_hash, uint64_t e) {
  uint64_t depth = ExDepth(e) + 1;
  return MakeExpr(MixHash(depth, MixHash(struct_name_hash, MixHash(idx_hash, Lo32(e)))), Sat8(depth), ExBits(e),
                  ExBVars(e));
}

}  // namespace leancache::lgz
