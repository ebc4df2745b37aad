// The one place where JSON text becomes a document: nlohmann's exceptions become a Status, so
// callers name the file and the problem in their own words.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace leancache::json {

// Parses `text`. Error: InvalidArgument with the parser's description (position and cause),
// without any file name.
absl::StatusOr<nlohmann::json> ParseJson(std::string_view text);

}  // namespace leancache::json
