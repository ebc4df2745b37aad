#include "common/workspace/workspace.h"

#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/header/module_name.h"

namespace leancache::workspace {
namespace fs = std::filesystem;

namespace {

fs::path RealRoot(const fs::path& root) {
  std::error_code ec;
  fs::path abs = fs::absolute(root, ec);
  if (ec) abs = root;
  fs::path canon = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canon;
}

// Mathlib's relativisation of search-path entries against realpath(".").
std::string Relativise(const std::string& entry, const std::string& real_root) {
  if (entry == real_root) return ".";
  const std::string prefix = real_root + "/";
  if (entry.size() > prefix.size() && entry.compare(0, prefix.size(), prefix) == 0) {
    return entry.substr(prefix.size());
  }
  return entry;
}

SearchEntry MakeEntry(const fs::path& root, const std::string& text) {
  fs::path p(text);
  fs::path dir = p.is_absolute() ? p : root / p;
  dir = dir.lexically_normal();
  std::string s = dir.string();
  if (s.size() > 1 && s.back() == '/') dir = fs::path(s.substr(0, s.size() - 1));
  return SearchEntry{text, dir};
}

}  // namespace

absl::StatusOr<Workspace> Workspace::Open(const fs::path& project_root,
                                          const std::map<std::string, std::string>& env) {
  Workspace ws;
  ws.root_ = RealRoot(project_root);
  const fs::path manifest_file = ws.root_ / "lake-manifest.json";
  auto src_path = env.find("LEAN_SRC_PATH");
  const bool have_src_path = src_path != env.end() && !src_path->second.empty();
  std::error_code ec;
  if (!have_src_path || fs::exists(manifest_file, ec)) {
    auto manifest = ReadManifest(manifest_file);
    if (!manifest.ok()) {
      if (absl::IsNotFound(manifest.status())) {
        return absl::NotFoundError(absl::StrCat(
            manifest_file.string(), ": lake-manifest.json not found (is ", ws.root_.string(),
            " a Lake project root?)"));
      }
      return manifest.status();
    }
    ws.manifest_ = *std::move(manifest);
  }
  if (have_src_path) {
    const std::string real = ws.root_.string();
    for (absl::string_view part : absl::StrSplit(src_path->second, ':')) {
      if (part.empty()) continue;
      ws.search_path_.push_back(MakeEntry(ws.root_, Relativise(std::string(part), real)));
    }
  } else {
    for (auto it = ws.manifest_.packages.rbegin(); it != ws.manifest_.packages.rend(); ++it) {
      ws.search_path_.push_back(
          MakeEntry(ws.root_, it->PackageDirText(ws.manifest_.packages_dir)));
    }
    ws.search_path_.push_back(MakeEntry(ws.root_, "."));
  }
  return Finish(std::move(ws));
}

absl::StatusOr<Workspace> Workspace::FromSearchPath(const fs::path& project_root,
                                                    const std::vector<std::string>& entries) {
  Workspace ws;
  ws.root_ = RealRoot(project_root);
  const std::string real = ws.root_.string();
  for (const std::string& e : entries) {
    if (!e.empty()) ws.search_path_.push_back(MakeEntry(ws.root_, Relativise(e, real)));
  }
  return Finish(std::move(ws));
}

absl::StatusOr<Workspace> Workspace::Finish(Workspace ws) {
  auto mathlib = ws.FindRootEntry("Mathlib");
  if (!mathlib) return ws.UnknownPrefixError("Mathlib");
  ws.mathlib_dir_ = ws.search_path_[*mathlib].dir;
  return ws;
}

std::optional<size_t> Workspace::FindRootEntry(std::string_view root_component) const {
  std::error_code ec;
  for (size_t i = 0; i < search_path_.size(); ++i) {
    const fs::path& dir = search_path_[i].dir;
    if (fs::is_directory(dir / std::string(root_component), ec)) return i;
    if (fs::exists(dir / (std::string(root_component) + ".lean"), ec)) return i;
  }
  return std::nullopt;
}

absl::Status Workspace::UnknownPrefixError(std::string_view root_component) const {
  std::vector<std::string> texts;
  for (const SearchEntry& e : search_path_) texts.push_back(e.text);
  const std::string root(root_component);
  return absl::NotFoundError(absl::StrCat(
      "unknown module prefix '", root, "'\n\nNo directory '", root,
      "' or file '", root, ".lean' in the search path entries:\n",
      absl::StrJoin(texts, "\n")));
}

ResolvedModule Workspace::ResolveInEntry(size_t entry, const std::vector<std::string>& raw_parts) const {
  const SearchEntry& e = search_path_[entry];
  ResolvedModule r;
  r.relative = absl::StrJoin(raw_parts, "/");
  r.package_dir = e.dir;
  r.source = e.dir / absl::StrCat(r.relative, ".lean");
  r.search_entry = e.text;
  r.source_display = e.text.empty() || e.text.back() == '/'
                         ? absl::StrCat(e.text, r.relative, ".lean")
                         : absl::StrCat(e.text, "/", r.relative, ".lean");
  return r;
}

absl::StatusOr<ResolvedModule> Workspace::ResolveModule(std::string_view module) const {
  auto parts = header::SplitModuleName(module);
  if (!parts.ok()) return parts.status();
  auto entry = FindRootEntry((*parts)[0]);
  if (!entry) return UnknownPrefixError((*parts)[0]);
  return ResolveInEntry(*entry, *parts);
}

}  // namespace leancache::workspace
