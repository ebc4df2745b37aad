#include "daemon/sources/env_value.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace leancache::sources {

std::string TrimAscii(std::string_view s) {
  absl::string_view v = absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size()));
  return std::string(v.data(), v.size());
}

std::string StripTrailingSlashes(std::string_view url) {
  std::string out = TrimAscii(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::string AsciiLower(std::string_view s) {
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

std::optional<std::string> NonEmptyEnv(const Env& env, std::string_view name) {
  auto it = env.find(std::string(name));
  if (it == env.end()) return std::nullopt;
  std::string v = TrimAscii(it->second);
  if (v.empty()) return std::nullopt;
  return v;
}

bool EnvFlag(const Env& env, std::string_view name) {
  std::optional<std::string> v = NonEmptyEnv(env, name);
  if (!v) return false;
  return *v == "1" || absl::EqualsIgnoreCase(*v, "true");
}

}  // namespace leancache::sources
