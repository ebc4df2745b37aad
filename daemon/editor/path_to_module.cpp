#include "daemon/editor/path_to_module.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/header/module_name.h"

namespace leancache::editor {
namespace {

bool LooksLikePath(const std::string& s) {
  return s.find('/') != std::string::npos || absl::EndsWith(s, ".lean");
}

// True when `inner` is `outer` or below it (both absolute and lexically normal).
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto rel = inner.lexically_relative(outer);
  return !rel.empty() && *rel.begin() != "..";
}

std::string SearchPathList(const workspace::Workspace& ws) {
  std::vector<std::string> texts;
  for (const auto& e : ws.search_path()) texts.push_back(e.text);
  return absl::StrJoin(texts, ", ");
}

}  // namespace

absl::StatusOr<std::string> ModuleOfPath(const workspace::Workspace& ws, const std::string& path_or_module,
                                         const std::filesystem::path& cwd) {
  std::error_code ec;
  if (!LooksLikePath(path_or_module)) {
    auto resolved = ws.ResolveModule(path_or_module);
    if (!resolved.ok()) {
      return absl::NotFoundError(absl::StrCat(path_or_module, " is not a module of this project: ",
                                              resolved.status().message()));
    }
    if (!std::filesystem::is_regular_file(resolved->source, ec)) {
      return absl::NotFoundError(absl::StrCat("module ", path_or_module, " has no source file (",
                                              resolved->source_display, " does not exist)"));
    }
    auto parts = header::SplitModuleName(path_or_module);
    return parts.ok() ? header::JoinModuleName(*parts) : path_or_module;
  }

  std::filesystem::path file(path_or_module);
  if (file.is_relative()) file = cwd / file;
  file = file.lexically_normal();
  if (!absl::EndsWith(file.filename().string(), ".lean")) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), " is not a .lean file"));
  }
  if (!std::filesystem::is_regular_file(file, ec)) {
    return absl::NotFoundError(absl::StrCat(file.string(), " does not exist"));
  }
  // The innermost search-path directory containing the file (".lake/packages/x" beats ".").
  const workspace::SearchEntry* best = nullptr;
  for (const auto& entry : ws.search_path()) {
    auto dir = entry.dir.lexically_normal();
    if (!IsWithin(file, dir)) continue;
    if (best == nullptr || dir.string().size() > best->dir.lexically_normal().string().size()) best = &entry;
  }
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat(file.string(), " is not under any source directory of the project (",
                                            SearchPathList(ws), ")"));
  }
  auto rel = file.lexically_relative(best->dir.lexically_normal());
  std::vector<std::string> parts;
  for (const auto& part : rel) parts.push_back(part.string());
  if (parts.empty()) return absl::NotFoundError(absl::StrCat(file.string(), " is not a module file"));
  std::string& last = parts.back();
  last.resize(last.size() - std::string(".lean").size());
  if (parts.front() == ".lake") {
    return absl::NotFoundError(absl::StrCat(file.string(), " is under .lake of ", best->text,
                                            ", not a source directory"));
  }
  std::string module = header::JoinModuleName(parts);
  auto resolved = ws.ResolveModule(module);
  if (!resolved.ok()) {
    return absl::NotFoundError(absl::StrCat(file.string(), " is not a module of this project: ",
                                            resolved.status().message()));
  }
  if (resolved->source.lexically_normal() != file) {
    return absl::NotFoundError(absl::StrCat(file.string(), " is shadowed: module ", module, " resolves to ",
                                            resolved->source_display));
  }
  return module;
}

}  // namespace leancache::editor
