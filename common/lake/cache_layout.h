// Lake's local cache layout (spec lake-native-cache.md §B.4, lake-native-cache-2026.md §3.2):
//   <cache>/artifacts/<hash16>.<ext>           content-addressed, flat, read-only
//   <cache>/outputs/<scope>/<inputHash16>.json  one CacheOutput per input hash (pretty JSON)
//   <cache>/revisions/<scope>/<rev>.jsonl       downloaded revision mappings
// and the CacheOutput JSON itself (schema kOutputsSchema).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace leancache::lake {

inline constexpr std::string_view kOutputsSchema = "2026-02-25";

std::filesystem::path ArtifactsDir(const std::filesystem::path& cache);
// outputs/<scope> and revisions/<scope>: the directories of one package's files.
std::filesystem::path OutputsDir(const std::filesystem::path& cache, std::string_view scope);
std::filesystem::path RevisionsDir(const std::filesystem::path& cache, std::string_view scope);
std::filesystem::path OutputsFile(const std::filesystem::path& cache, std::string_view scope,
                                  uint64_t input_hash);
std::filesystem::path RevisionFile(const std::filesystem::path& cache, std::string_view scope,
                                   std::string_view rev);

// Where an outputs value says missing artifacts come from (written into CacheOutput).
struct OutputsOrigin {
  std::optional<std::string> service;  // service name, or null
  std::string scope_key;               // "repo", "scope" or "" (neither written)
  std::string scope;
};

struct CacheOutput {
  OutputsOrigin origin;
  nlohmann::json data;
  bool bare = false;  // read from the older bare-data form
};

// The file content Lake writes: `{"schemaVersion", "service", "repo"|"scope", "data"}` rendered
// by Lean's Json.pretty (keys in Lean's printing order), without a trailing newline.
std::string RenderCacheOutput(const OutputsOrigin& origin, const nlohmann::json& data);

// Reads either form: an object with "schemaVersion" is a CacheOutput, anything else is the
// bare data of the older format. Errors (InvalidArgument): not JSON.
absl::StatusOr<CacheOutput> ParseCacheOutput(std::string_view contents);

}  // namespace leancache::lake
