// Lake's system configuration `~/.lake/config.toml` (or $LAKE_CONFIG): cache services and the
// default download/upload service (spec lake-native-cache-2026.md §3.9), read with toml++.
//   cache.defaultService = "<name>"          cache.defaultUploadService = "<name>"
//   [[cache.service]] name = "..." kind|type = "s3"|"reservoir"
//                     artifactEndpoint / revisionEndpoint (s3), apiEndpoint (reservoir)
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::lake {

struct CacheService {
  std::string name;
  bool reservoir = false;         // kind "reservoir"; otherwise "s3"
  std::string api_endpoint;       // reservoir
  std::string artifact_endpoint;  // s3
  std::string revision_endpoint;  // s3
};

struct LakeConfig {
  std::string default_service;         // "" = Reservoir
  std::string default_upload_service;  // "" = none
  std::vector<CacheService> services;  // in file order

  // The service called `name`, or nullptr.
  const CacheService* Find(std::string_view name) const;
  // "a, b, c" (configured names, file order) for messages.
  std::string Names() const;
};

// $LAKE_CONFIG when set and non-empty, else $HOME/.lake/config.toml (empty path if no HOME).
std::filesystem::path LakeConfigPath(const std::map<std::string, std::string>& env);

// Parses config text; `origin` names the file in errors. Errors (InvalidArgument): TOML syntax
// (with line and column), a service without a name, an unknown kind, a duplicate name.
absl::StatusOr<LakeConfig> ParseLakeConfig(std::string_view text, std::string_view origin);

// Reads and parses the file; a missing file is an empty configuration.
absl::StatusOr<LakeConfig> LoadLakeConfig(const std::filesystem::path& path);

}  // namespace leancache::lake
