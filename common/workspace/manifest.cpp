#include "common/workspace/manifest.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/workspace/read_file.h"
#include "common/json/parse_json.h"

namespace leancache::workspace {
namespace {

using nlohmann::json;

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

std::string ManifestPackage::PackageDirText(std::string_view packages_dir) const {
  if (type == "path") return dir;
  std::string out = absl::StrCat(std::string(packages_dir), "/", name);
  if (!sub_dir.empty()) absl::StrAppend(&out, "/", sub_dir);
  return out;
}

absl::StatusOr<Manifest> ParseManifest(std::string_view json_text, std::string_view file_for_errors) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(file_for_errors), ": invalid lake manifest: ", std::string(why)));
  };
  auto parsed = leancache::json::ParseJson(json_text);
  if (!parsed.ok()) return bad(absl::StrCat("not valid JSON: ", parsed.status().message()));
  json doc = std::move(*parsed);
  if (!doc.is_object()) return bad("top level is not a JSON object");
  Manifest m;
  m.name = StringField(doc, "name");
  if (auto it = doc.find("packagesDir"); it != doc.end() && it->is_string()) {
    m.packages_dir = it->get<std::string>();
  }
  auto pk = doc.find("packages");
  if (pk == doc.end() || pk->is_null()) return m;
  if (!pk->is_array()) return bad("'packages' is not an array");
  for (size_t i = 0; i < pk->size(); ++i) {
    const json* entry = &(*pk)[i];
    if (!entry->is_object()) return bad(absl::StrCat("packages[", i, "] is not an object"));
    ManifestPackage p;
    p.type = StringField(*entry, "type");
    // Older manifests wrap the fields: {"git": {...}} or {"path": {...}}.
    for (const char* wrapper : {"git", "path"}) {
      auto w = entry->find(wrapper);
      if (p.type.empty() && w != entry->end() && w->is_object()) {
        p.type = wrapper;
        entry = &*w;
        break;
      }
    }
    if (p.type.empty()) p.type = "git";
    p.name = StringField(*entry, "name");
    if (p.name.empty()) return bad(absl::StrCat("packages[", i, "] has no 'name'"));
    p.dir = StringField(*entry, "dir");
    p.sub_dir = StringField(*entry, "subDir");
    p.url = StringField(*entry, "url");
    p.rev = StringField(*entry, "rev");
    p.input_rev = StringField(*entry, "inputRev");
    p.scope = StringField(*entry, "scope");
    if (p.type == "path" && p.dir.empty()) {
      return bad(absl::StrCat("path package '", p.name, "' has no 'dir'"));
    }
    m.packages.push_back(std::move(p));
  }
  return m;
}

absl::StatusOr<Manifest> ReadManifest(const std::filesystem::path& file) {
  auto text = ReadFileBytes(file);
  if (!text.ok()) return text.status();
  return ParseManifest(*text, file.string());
}

}  // namespace leancache::workspace
