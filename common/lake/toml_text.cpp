#include "common/lake/toml_text.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace leancache::lake {

absl::StatusOr<toml::table> ParseTomlText(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ", std::string(e.description())));
  }
}

}  // namespace leancache::lake
