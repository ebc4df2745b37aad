// The index's schema version and its fixed `meta` keys (layouts in records.h).
#pragma once

#include <cstdint>
#include <string_view>

namespace leancache::index {

// Bump on any incompatible change of tables, keys or value layouts: an index written with
// another version is moved aside and rebuilt.
inline constexpr uint32_t kSchemaVersion = 1;

inline constexpr std::string_view kSchemaKey = "schema_version";
inline constexpr std::string_view kNextCacheDirIdKey = "cachedir_next_id";
inline constexpr std::string_view kCacheDirPrefix = "cachedir:";
// Command statistics (StatsRecord), e.g. "stats:lifetime", "stats:last:get".
inline constexpr std::string_view kStatsPrefix = "stats:";
// Negative cache entries (negative_cache.h): "neg:<hash16>\t<source id>" -> unix ms.
inline constexpr std::string_view kNegativePrefix = "neg:";
// First byte of a key that stands for a path too long to be an LMDB key: followed by the
// path's SHA-256. Paths (absolute) never start with it.
inline constexpr char kHashedKeyMarker = '\xff';

}  // namespace leancache::index
