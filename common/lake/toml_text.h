// TOML parsing for Lake's files (config.toml, lakefile.toml) with toml++, errors as values.
#pragma once

#include <toml++/toml.h>

#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lake {

// Parses `text`; InvalidArgument "<origin>:<line>:<column>: <description>" on a syntax error.
absl::StatusOr<toml::table> ParseTomlText(std::string_view text, std::string_view origin);

}  // namespace leancache::lake
