#pragma once
// How long a "not found" answer of a download source is trusted (index/negative_cache.h).

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/sources/config.h"

namespace leancache::sources {

inline constexpr int64_t kDefaultNegativeCacheTtlMs = 10 * 60 * 1000;

// LEANCACHE_NEGATIVE_CACHE_TTL in the forwarded `env`, else the config key
// "negative_cache_ttl", else 10 min. A value is seconds as an integer or "<n>s|m|h"; 0 turns the
// negative cache off. Errors: InvalidArgument naming the setting.
absl::StatusOr<int64_t> NegativeCacheTtlMs(const Config& config, const std::map<std::string, std::string>& env);

}  // namespace leancache::sources
