#include "daemon/lake/lake_args.h"

#include "absl/strings/str_cat.h"

namespace leancache::lake {

absl::StatusOr<LakeArgs> ParseLakeArgs(absl::Span<const std::string> args, absl::Span<const FlagSpec> accepted) {
  LakeArgs out;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) return absl::InvalidArgumentError(absl::StrCat("unknown short option '", a, "'"));
    size_t eq = a.find('=');
    std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const FlagSpec* spec = nullptr;
    for (const auto& f : accepted) {
      if (f.name == name) spec = &f;
    }
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown long option '--", name, "'"));
    if (!spec->takes_value) {
      if (eq != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat("option '--", name, "' takes no value"));
      }
      out.flags.insert(name);
      continue;
    }
    if (eq != std::string::npos) {
      out.values[name] = a.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      out.values[name] = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("missing value for '--", name, "'"));
    }
  }
  return out;
}

}  // namespace leancache::lake
