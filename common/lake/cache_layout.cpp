#include "common/lake/cache_layout.h"

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/lake/lean_json.h"

namespace leancache::lake {

std::filesystem::path ArtifactsDir(const std::filesystem::path& cache) { return cache / "artifacts"; }

std::filesystem::path OutputsDir(const std::filesystem::path& cache, std::string_view scope) {
  return cache / "outputs" / std::string(scope);
}

std::filesystem::path RevisionsDir(const std::filesystem::path& cache, std::string_view scope) {
  return cache / "revisions" / std::string(scope);
}

std::filesystem::path OutputsFile(const std::filesystem::path& cache, std::string_view scope,
                                  uint64_t input_hash) {
  return OutputsDir(cache, scope) / absl::StrCat(hash::Hex16(input_hash), ".json");
}

std::filesystem::path RevisionFile(const std::filesystem::path& cache, std::string_view scope,
                                   std::string_view rev) {
  return RevisionsDir(cache, scope) / absl::StrCat(std::string(rev), ".jsonl");
}

std::string RenderCacheOutput(const OutputsOrigin& origin, const nlohmann::json& data) {
  nlohmann::json obj = nlohmann::json::object();
  obj["schemaVersion"] = std::string(kOutputsSchema);
  obj["service"] = origin.service ? nlohmann::json(*origin.service) : nlohmann::json(nullptr);
  if (!origin.scope_key.empty()) obj[origin.scope_key] = origin.scope;
  obj["data"] = data;
  return LeanJsonPretty(obj);
}

absl::StatusOr<CacheOutput> ParseCacheOutput(std::string_view contents) {
  nlohmann::json j = nlohmann::json::parse(contents, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("invalid JSON");
  CacheOutput out;
  if (!j.is_object() || !j.contains("schemaVersion")) {
    out.data = std::move(j);
    out.bare = true;
    return out;
  }
  if (j.contains("service") && j["service"].is_string()) out.origin.service = j["service"].get<std::string>();
  for (const char* key : {"repo", "scope"}) {
    if (j.contains(key) && j[key].is_string()) {
      out.origin.scope_key = key;
      out.origin.scope = j[key].get<std::string>();
    }
  }
  out.data = j.contains("data") ? j["data"] : nlohmann::json(nullptr);
  return out;
}

}  // namespace leancache::lake
