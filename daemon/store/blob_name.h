// Archive file names in a CACHEDIR, exactly as Mathlib's cache tool writes them (spec
// mathlib-cache.md §2.6 and §4): "<hash16>.ltar", 16 lowercase zero-padded hex digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leancache::store {

// "00000000000000ff.ltar" for key 255 (keys::ArchiveName).
std::string BlobFileName(uint64_t key);

// The key of a file named exactly like BlobFileName(key), else nullopt. Stricter than Mathlib's
// hashFromFileName: "ff.ltar" or upper-case digits are not archives we would ever look up.
std::optional<uint64_t> ParseBlobFileName(std::string_view name);

// True for names of partial downloads: anything ending in ".part" (Mathlib's "<hash16>.ltar.part"
// and "<hash16>.ltar.<pid>.part", and ours).
bool IsPartialFileName(std::string_view name);

}  // namespace leancache::store
