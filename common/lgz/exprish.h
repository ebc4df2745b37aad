// Lean's cached hash/data words of Name, Level and Expr nodes (ltar.md §8.6), recomputed from
// the children of a node. The LGZ encoder writes such nodes in the compact "Exprish" form only
// when the recomputed word equals the stored one; the decoder regenerates the word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/lgz/object_model.h"

namespace leancache::lgz {

inline constexpr uint64_t kAnonymousNameHash = 1723;
inline constexpr uint64_t kLevelZeroData = 2221;

// --- Values read from children (std::nullopt when the child has no such value) -----------------
// First scalar word of a heap object with at least one scalar word, where (as in leantar) the
// scalar word count is cs_sz/8 - 1 - other, saturating, for an object of any tag. Inline: the
// decoder reads a child's cached word for every Name/Level/Expr node it rebuilds.
inline std::optional<uint64_t> FirstScalarWord(const HeapView& heap, uint64_t word) {
  if (IsScalar(word)) return std::nullopt;
  const uint8_t* p = heap.At(word, 8);
  if (p == nullptr) return std::nullopt;
  ObjHeader h = ReadHeader(p);
  if ((h.cs_sz >> 3) < uint32_t{h.other} + 2) return std::nullopt;
  const uint8_t* w = heap.At(word + 8 + 8 * uint64_t{h.other}, 8);
  if (w == nullptr) return std::nullopt;
  return Load64(w);
}
// Name hash: scalar 0 -> 1723; heap object with >= 1 scalar word (cs_sz/8 - 1 - other) -> that word.
inline std::optional<uint64_t> NameHashOf(const HeapView& heap, uint64_t word) {
  if (IsScalar(word)) return word == 1 ? std::optional<uint64_t>(kAnonymousNameHash) : std::nullopt;
  return FirstScalarWord(heap, word);
}
// Level data: scalar 0 -> 2221; heap object with >= 1 scalar word -> that word.
inline std::optional<uint64_t> LevelDataOf(const HeapView& heap, uint64_t word) {
  if (IsScalar(word)) return word == 1 ? std::optional<uint64_t>(kLevelZeroData) : std::nullopt;
  return FirstScalarWord(heap, word);
}
// Expr data: heap object with >= 1 scalar word -> that word.
inline std::optional<uint64_t> ExprDataOf(const HeapView& heap, uint64_t word) {
  return FirstScalarWord(heap, word);
}
// Nat hash: boxed scalar -> value; MPZ -> its first 8 limb bytes (negated if negative).
std::optional<uint64_t> NumHashOf(const HeapView& heap, uint64_t word, bool gmp);
// String hash of a String object (bytes without the NUL). `*budget` is decremented by the
// number of bytes hashed; fails (nullopt) if it would go negative.
std::optional<uint64_t> StrHashOf(const HeapView& heap, uint64_t word, uint64_t* budget);
// Literal hash: object with tag 0 (Literal.natVal) -> NumHashOf(word 1), tag 1 (strVal) -> StrHashOf.
std::optional<uint64_t> LitHashOf(const HeapView& heap, uint64_t word, bool gmp, uint64_t* budget);
// Hash (fold of mixHash from 7 over the levels' 32-bit hashes) and OR of the level bits of a
// `List Level`; walks at most `*budget` cells.
struct LevelListInfo {
  uint64_t hash;
  uint64_t bits;
};
std::optional<LevelListInfo> LevelListOf(const HeapView& heap, uint64_t word, uint64_t* budget);

// --- Data formulas ----------------------------------------------------------------------------
uint64_t NameStrHash(uint64_t prefix_hash, uint64_t str_hash);
uint64_t NameNumHash(uint64_t prefix_hash, uint64_t num_word);  // num_word: the raw field word

uint64_t LevelSuccData(uint64_t d);
uint64_t LevelMaxData(uint64_t d1, uint64_t d2);
uint64_t LevelIMaxData(uint64_t d1, uint64_t d2);
uint64_t LevelParamData(uint64_t name_hash);
uint64_t LevelMVarData(uint64_t name_hash);

uint64_t ExprBVarData(uint64_t idx);
uint64_t ExprFVarData(uint64_t name_hash);
uint64_t ExprMVarData(uint64_t name_hash);
uint64_t ExprSortData(uint64_t level_data);
uint64_t ExprConstData(uint64_t name_hash, const LevelListInfo& levels);
uint64_t ExprAppData(uint64_t f, uint64_t a);
uint64_t ExprBinderData(uint64_t type, uint64_t body);
uint64_t ExprLetData(uint64_t type, uint64_t value, uint64_t body);
uint64_t ExprLitData(uint64_t lit_hash);
uint64_t ExprMDataData(uint64_t e);
uint64_t ExprProjData(uint64_t struct_name_hash, uint64_t idx_hash, uint64_t e);

// Lean constructor shapes (tag, #pointer fields, #scalar words) of the Exprish nodes.
namespace shape {
struct Shape {
  uint8_t tag;
  uint8_t ptrs;
  uint8_t scalars;
};
inline constexpr Shape kNameStr{1, 2, 1}, kNameNum{2, 2, 1};
inline constexpr Shape kLevelSucc{1, 1, 1}, kLevelMax{2, 2, 1}, kLevelIMax{3, 2, 1}, kLevelParam{4, 1, 1},
    kLevelMVar{5, 1, 1};
inline constexpr Shape kExprBVar{0, 1, 1}, kExprFVar{1, 1, 1}, kExprMVar{2, 1, 1}, kExprSort{3, 1, 1},
    kExprConst{4, 2, 1}, kExprApp{5, 2, 1}, kExprLam{6, 3, 2}, kExprForall{7, 3, 2}, kExprLet{8, 4, 2},
    kExprLit{9, 1, 1}, kExprMData{10, 2, 1}, kExprProj{11, 3, 1};
}  // namespace shape

}  // namespace leancache::lgz
