#include "daemon/pack/archive_plan.h"

#include "absl/strings/str_cat.h"

namespace leancache::pack {
namespace {

namespace fs = std::filesystem;

// The prefix the stored names start with, or an error when P cannot be named relatively.
absl::StatusOr<std::string> NamePrefix(const keys::ModuleEntry& entry, const fs::path& project_root,
                                       const fs::path& mathlib_dir) {
  const fs::path p = entry.package_dir.lexically_normal();
  if (p == mathlib_dir.lexically_normal()) return std::string(".");
  const std::string& text = entry.search_entry;
  if (!text.empty() && text.front() != '/') {
    std::string out = text;
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
  }
  fs::path rel = p.lexically_relative(project_root.lexically_normal());
  if (rel.empty() || *rel.begin() == "..") {
    return absl::InvalidArgumentError(absl::StrCat("package dir ", p.string(),
                                                   " is outside the project root ",
                                                   project_root.string(), "; cannot pack ",
                                                   entry.source_display));
  }
  return rel.string();
}

}  // namespace

absl::StatusOr<ArchivePlan> PlanModuleArchive(const keys::ModuleEntry& entry,
                                              const fs::path& project_root,
                                              const fs::path& mathlib_dir) {
  auto prefix = NamePrefix(entry, project_root, mathlib_dir);
  if (!prefix.ok()) return prefix.status();
  ArchivePlan plan;
  plan.base = entry.package_dir.lexically_normal() == mathlib_dir.lexically_normal() ? mathlib_dir
                                                                                       : project_root;
  const std::string lib = absl::StrCat(*prefix, "/.lake/build/lib/lean/", entry.relative);
  const std::string ir = absl::StrCat(*prefix, "/.lake/build/ir/", entry.relative);
  struct Candidate {
    std::string name;
    bool required;
  };
  const Candidate candidates[] = {
      {lib + ".trace", true},
      {lib + ".olean", true},
      {lib + ".olean.server", false},
      {lib + ".olean.private", false},
      {lib + ".olean.hash", true},
      {lib + ".olean.server.hash", false},
      {lib + ".olean.private.hash", false},
      {lib + ".ilean", true},
      {lib + ".ilean.hash", true},
      {lib + ".ir", false},
      {lib + ".ir.hash", false},
      {ir + ".c", true},
      {ir + ".c.hash", true},
      {lib + ".extra", false},
  };
  std::error_code ec;
  bool first = true;
  for (const Candidate& c : candidates) {
    const fs::path on_disk = plan.base / c.name;
    const bool exists = fs::is_regular_file(on_disk, ec);
    if (!exists) {
      if (c.required) return absl::NotFoundError(absl::StrCat(on_disk.lexically_normal().string(), " not found"));
      continue;
    }
    if (first) {
      plan.trace = c.name;
      first = false;
    } else {
      plan.files.push_back(c.name);
    }
  }
  return plan;
}

}  // namespace leancache::pack
