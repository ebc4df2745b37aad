#include "common/workspace/module_args.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/header/module_name.h"

namespace leancache::workspace {
namespace fs = std::filesystem;

namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("Invalid argument: ", std::string(what)));
}

bool IsLeanFile(const fs::path& p) { return p.extension() == ".lean"; }

// Module name of `file` from its path components below `base` (".lean" dropped).
std::string ModuleFromRelative(const fs::path& rel) {
  std::vector<std::string> parts;
  for (const fs::path& c : rel) {
    std::string s = c.string();
    if (s.empty() || s == ".") continue;
    parts.push_back(s);
  }
  if (!parts.empty() && absl::EndsWith(parts.back(), ".lean")) {
    parts.back().resize(parts.back().size() - 5);
  }
  return header::JoinModuleName(parts);
}

bool IsUnder(const fs::path& p, const fs::path& dir) {
  auto mismatch = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
  return mismatch.first == dir.end();
}

// The module of a .lean file: relative to the deepest search-path entry containing it,
// else relative to cwd.
std::string ModuleOfFile(const Workspace& ws, const fs::path& abs_file, const fs::path& cwd) {
  const SearchEntry* best = nullptr;
  size_t best_depth = 0;
  for (const SearchEntry& e : ws.search_path()) {
    if (!IsUnder(abs_file, e.dir)) continue;
    size_t depth = std::distance(e.dir.begin(), e.dir.end());
    if (best == nullptr || depth > best_depth) {
      best = &e;
      best_depth = depth;
    }
  }
  if (best != nullptr) return ModuleFromRelative(abs_file.lexically_relative(best->dir));
  std::error_code ec;
  fs::path base = fs::weakly_canonical(cwd, ec);
  if (ec) base = cwd.lexically_normal();
  return ModuleFromRelative(abs_file.lexically_relative(base));
}

std::vector<fs::path> LeanFilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && IsLeanFile(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::Status ResolvePathArg(const Workspace& ws, const std::string& arg, const fs::path& cwd,
                            std::vector<std::string>* out, std::vector<std::string>* messages) {
  // A NUL would silently cut the path short ("/\0x.lean" is "/" to the kernel).
  if (arg.find('\0') != std::string::npos) {
    return Invalid(absl::StrCat("argument contains a NUL byte: ", absl::CHexEscape(arg)));
  }
  fs::path p(arg);
  fs::path abs = (p.is_absolute() ? p : cwd / p).lexically_normal();
  std::error_code ec;
  if (!fs::exists(abs, ec)) return Invalid(absl::StrCat("non-existing path ", arg));
  if (fs::path canon = fs::weakly_canonical(abs, ec); !ec) abs = canon;
  for (const fs::path& c : abs.lexically_relative(ws.root())) {
    if (c == ".lake") return Invalid(absl::StrCat("paths under .lake are not supported: ", arg));
  }
  if (fs::is_directory(abs, ec)) {
    // Only the project's own folders are searched: never walk `/` or someone's home.
    fs::path root = fs::weakly_canonical(ws.root(), ec);
    if (ec) root = ws.root();
    fs::path rel = abs.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") {
      return Invalid(absl::StrCat("directory outside the project: ", arg));
    }
    if (messages) messages->push_back(absl::StrCat("Searching directory ", arg, " for .lean files"));
    std::vector<std::string> found;
    for (const fs::path& f : LeanFilesUnder(abs)) found.push_back(ModuleOfFile(ws, f, cwd));
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
    return absl::OkStatus();
  }
  if (!IsLeanFile(abs)) return Invalid(absl::StrCat("expected path or module name, not ", arg));
  out->push_back(ModuleOfFile(ws, abs, cwd));
  return absl::OkStatus();
}

absl::Status ResolveModuleOrGlob(const Workspace& ws, const std::string& arg,
                                 std::vector<std::string>* out) {
  enum class Kind { kOne, kSubmodules, kAndSubmodules } kind = Kind::kOne;
  std::string base = arg;
  if (absl::EndsWith(arg, ".+")) {
    kind = Kind::kSubmodules;
    base = arg.substr(0, arg.size() - 2);
  } else if (absl::EndsWith(arg, ".*")) {
    kind = Kind::kAndSubmodules;
    base = arg.substr(0, arg.size() - 2);
  }
  auto parts = header::SplitModuleName(base);
  if (!parts.ok()) return Invalid(absl::StrCat("expected path or module name, not ", arg));
  if (kind == Kind::kOne) {
    out->push_back(header::JoinModuleName(*parts));
    return absl::OkStatus();
  }
  const size_t before = out->size();
  if (auto entry = ws.FindRootEntry((*parts)[0])) {
    ResolvedModule self = ws.ResolveInEntry(*entry, *parts);
    std::error_code ec;
    if (kind == Kind::kAndSubmodules && fs::is_regular_file(self.source, ec)) {
      out->push_back(header::JoinModuleName(*parts));
    }
    const fs::path folder = self.package_dir / self.relative;
    std::vector<std::string> found;
    for (const fs::path& f : LeanFilesUnder(folder)) {
      found.push_back(ModuleFromRelative(f.lexically_relative(self.package_dir)));
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
  }
  if (out->size() == before) return Invalid(arg);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveModuleArgs(const Workspace& ws,
                                                           absl::Span<const std::string> args,
                                                           const fs::path& cwd,
                                                           std::vector<std::string>* messages) {
  std::vector<std::string> modules;
  for (const std::string& arg : args) {
    if (!arg.empty() && arg[0] == '-') {
      return Invalid(absl::StrCat("option must come before command ", arg));
    }
    const std::vector<std::string> components = absl::StrSplit(arg, '/');
    const bool path_form = components.size() > 1 || absl::EndsWith(arg, ".lean");
    absl::Status st = path_form ? ResolvePathArg(ws, arg, cwd, &modules, messages)
                                : ResolveModuleOrGlob(ws, arg, &modules);
    if (!st.ok()) return st;
  }
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (std::string& m : modules) {
    if (seen.insert(m).second) unique.push_back(std::move(m));
  }
  return unique;
}

}  // namespace leancache::workspace
