// Lake-style command-line arguments of one `leancache lake VERB ...` request: positionals,
// `--name=value` / `--name value` options and boolean flags, checked against the verb's list
// (Lake's CLI: an unknown option is an error, "unknown long option '--x'").
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace leancache::lake {

struct FlagSpec {
  std::string_view name;  // without dashes
  bool takes_value;
};

struct LakeArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  std::optional<std::string> Value(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  bool Has(const std::string& name) const { return flags.count(name) > 0 || values.count(name) > 0; }
};

// Parses `args` (the verb already removed). Errors (InvalidArgument): an option not in
// `accepted` ("unknown long option '--x'"), a value option without a value ("missing value for
// '--x'"), a value given to a boolean flag.
absl::StatusOr<LakeArgs> ParseLakeArgs(absl::Span<const std::string> args, absl::Span<const FlagSpec> accepted);

}  // namespace leancache::lake
