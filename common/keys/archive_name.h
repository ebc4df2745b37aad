// Cache file names (spec: mathlib-cache.md §2.6, §14).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leancache::keys {

// Mathlib `asLTar`: 16 lowercase hex digits, zero-padded, then ".ltar".
std::string ArchiveName(uint64_t key);

// Mathlib `hashFromFileName`, the inverse: leading directories are ignored, a trailing ".part"
// is stripped first (also M-late's ".ltar.<pid>.part"), then the extension; the stem must be
// 1–16 hex digits. Returns nullopt otherwise ("nothexa.ltar").
std::optional<uint64_t> KeyFromFileName(std::string_view name);

}  // namespace leancache::keys
