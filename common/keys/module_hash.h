// Per-module hash formula (spec: mathlib-cache.md §2.1).
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"

namespace leancache::keys {

// pathHash(M) = listHash(map Hs, components(M)) with ".lean" appended to the last component;
// each component rendered with Name.toString («»-escaped where needed). `module` is canonical.
// Example: PathHash("Mathlib.Init") = 0x9cc07c6bc0e57c88.
uint64_t PathHash(std::string_view module);

// fileHash(M) = listHash([rootHash, pathHash(M), Hc(S), h(I1), …, h(In)]).
uint64_t FileHash(uint64_t root_hash, uint64_t path_hash, uint64_t content_hash,
                  absl::Span<const uint64_t> import_hashes);

}  // namespace leancache::keys
