// LGZ decoder: raw LGZ stream -> olean image(s), byte-identical to leantar 0.1.19's output
// (ltar.md §8.7). Safe on hostile input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::lgz {

// Decodes `expected_files` (1..3) object trees from `lgz` into olean images (module files are
// chained at 64 KiB boundaries like Lean does). Trailing bytes after the last tree are ignored.
// Errors: InvalidArgument for malformed/truncated streams, ResourceExhausted when the images
// would exceed `max_output_bytes` in total. The decode buffer never grows beyond
// `max_output_bytes`; working memory (explicit stacks, back-reference table) is bounded by a
// small multiple of it. No recursion: nesting depth is limited only by the output bound.
absl::StatusOr<std::vector<std::string>> ReadLgz(std::string_view lgz, size_t expected_files,
                                                 uint64_t max_output_bytes);

}  // namespace leancache::lgz
