#include "daemon/sources/negative_cache_ttl.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/sources/env_value.h"

namespace leancache::sources {
namespace {

absl::StatusOr<int64_t> ParseTtl(std::string text, absl::string_view what) {
  text = AsciiLower(TrimAscii(text));
  int64_t unit_ms = 1000;
  if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    unit_ms = text.back() == 's' ? 1000 : text.back() == 'm' ? 60 * 1000 : 3600 * 1000;
    text.pop_back();
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(text, &n) || n < 0 || n > int64_t{1} << 31) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": expected a duration such as 600, 90s, 10m or 1h (0 = off), not \"", text, "\""));
  }
  return n * unit_ms;
}

}  // namespace

absl::StatusOr<int64_t> NegativeCacheTtlMs(const Config& config, const std::map<std::string, std::string>& env) {
  if (auto v = NonEmptyEnv(env, "LEANCACHE_NEGATIVE_CACHE_TTL")) return ParseTtl(*v, "LEANCACHE_NEGATIVE_CACHE_TTL");
  auto it = config.extra.find("negative_cache_ttl");
  if (it == config.extra.end()) return kDefaultNegativeCacheTtlMs;
  if (it->is_number_integer()) return ParseTtl(std::to_string(it->get<int64_t>()), "config \"negative_cache_ttl\"");
  if (it->is_string()) return ParseTtl(it->get<std::string>(), "config \"negative_cache_ttl\"");
  return absl::InvalidArgumentError(absl::StrCat("config \"negative_cache_ttl\": expected a duration, not ", it->dump()));
}

}  // namespace leancache::sources
