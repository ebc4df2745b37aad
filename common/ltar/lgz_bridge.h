// Access to the LGZ olean transform (common/lgz) for the ltar codec: decode for modes 1/5 and
// verified encode for the writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace leancache::ltar {

// Decodes a raw LGZ stream into `expected_files` oleans (1 or 3), producing at most
// `max_output_bytes` in total. Errors: InvalidArgument for malformed data,
// ResourceExhausted when over the cap.
absl::StatusOr<std::vector<std::string>> LgzDecode(std::string_view lgz, size_t expected_files,
                                                   uint64_t max_output_bytes);

// Encodes 1 or 3 oleans into a raw LGZ stream, failing unless it decodes back byte-exactly.
absl::StatusOr<std::string> LgzEncodeVerified(absl::Span<const std::string_view> files);

}  // namespace leancache::ltar
