#include "common/lake/lake_config.h"

#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/fs/fd.h"

namespace leancache::lake {
namespace {

std::string Str(const toml::node_view<const toml::node>& node) {
  if (auto v = node.value<std::string>()) return *v;
  return "";
}

absl::StatusOr<CacheService> ParseService(const toml::table& t, std::string_view origin, size_t index) {
  CacheService s;
  s.name = Str(t["name"]);
  if (s.name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": cache.service #", index + 1, " has no name"));
  }
  std::string kind = Str(t["kind"]);
  if (kind.empty()) kind = Str(t["type"]);
  if (kind == "reservoir") {
    s.reservoir = true;
  } else if (kind != "s3") {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": cache service '", s.name,
                                                   "': unknown kind '", kind, "' (expected s3 or reservoir)"));
  }
  s.api_endpoint = Str(t["apiEndpoint"]);
  s.artifact_endpoint = Str(t["artifactEndpoint"]);
  s.revision_endpoint = Str(t["revisionEndpoint"]);
  return s;
}

}  // namespace

const CacheService* LakeConfig::Find(std::string_view name) const {
  for (const auto& s : services) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string LakeConfig::Names() const {
  std::vector<std::string> names;
  for (const auto& s : services) names.push_back(s.name);
  return absl::StrJoin(names, ", ");
}

std::filesystem::path LakeConfigPath(const std::map<std::string, std::string>& env) {
  if (auto it = env.find("LAKE_CONFIG"); it != env.end() && !it->second.empty()) return it->second;
  if (auto it = env.find("HOME"); it != env.end() && !it->second.empty()) {
    return std::filesystem::path(it->second) / ".lake" / "config.toml";
  }
  return {};
}

absl::StatusOr<LakeConfig> ParseLakeConfig(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ", std::string(e.description())));
  }
  LakeConfig config;
  const toml::node_view<const toml::node> cache = std::as_const(root)["cache"];
  config.default_service = Str(cache["defaultService"]);
  config.default_upload_service = Str(cache["defaultUploadService"]);
  if (const toml::array* arr = cache["service"].as_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const toml::table* t = (*arr)[i].as_table();
      if (t == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": cache.service #", i + 1, " is not a table"));
      }
      absl::StatusOr<CacheService> s = ParseService(*t, origin, i);
      if (!s.ok()) return s.status();
      if (config.Find(s->name) != nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": duplicate cache service '", s->name, "'"));
      }
      config.services.push_back(*std::move(s));
    }
  }
  return config;
}

absl::StatusOr<LakeConfig> LoadLakeConfig(const std::filesystem::path& path) {
  if (path.empty()) return LakeConfig();
  absl::StatusOr<std::string> text = fs::ReadFile(path.string(), 1 << 20);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return LakeConfig();
    return text.status();
  }
  return ParseLakeConfig(*text, path.string());
}

}  // namespace leancache::lake
