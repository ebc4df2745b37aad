#include "daemon/get/downstream_checks.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/workspace/manifest.h"

namespace leancache::get {
namespace {

std::string ReadTrimmed(const std::filesystem::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

std::string Pin(const workspace::ManifestPackage& p) {
  if (p.type == "path") return absl::StrCat("path:", p.dir);
  return p.rev.substr(0, 12);
}

bool SamePin(const workspace::ManifestPackage& a, const workspace::ManifestPackage& b) {
  if (a.type != b.type) return false;
  if (a.type == "path") return a.dir == b.dir;
  return a.url == b.url && a.rev == b.rev && a.sub_dir == b.sub_dir;
}

}  // namespace

CheckOutcome CheckDownstream(const workspace::Workspace& ws) {
  CheckOutcome out;
  std::error_code ec;
  if (std::filesystem::exists(ws.root() / "Mathlib", ec)) return out;  // Mathlib itself

  bool have_project = false, have_mathlib = false;
  std::string project_tc = ReadTrimmed(ws.root() / "lean-toolchain", &have_project);
  std::string mathlib_tc = ReadTrimmed(ws.mathlib_dir() / "lean-toolchain", &have_mathlib);
  if (have_project && have_mathlib && project_tc != mathlib_tc) {
    out.ok = false;
    out.stdout_lines = {
        "Dependency Mathlib uses a different lean-toolchain",
        absl::StrCat("  Project uses ", project_tc),
        absl::StrCat("  Mathlib uses ", mathlib_tc),
        "",
        "The cache will not work unless your project uses the same Lean version as Mathlib.",
        "In order to use the current cache, copy Mathlib's lean-toolchain into your project:",
        absl::StrCat("  cp ", (ws.mathlib_dir() / "lean-toolchain").string(), " ",
                     (ws.root() / "lean-toolchain").string()),
        "Alternatively, if you want to use Mathlib at a different version, update it with:",
        "  lake update mathlib"};
    return out;
  }

  auto mathlib_manifest = workspace::ReadManifest(ws.mathlib_dir() / "lake-manifest.json");
  if (!mathlib_manifest.ok()) return out;  // the root hash already required this file
  std::map<std::string, const workspace::ManifestPackage*> theirs;
  for (const auto& p : mathlib_manifest->packages) theirs[p.name] = &p;
  std::vector<std::string> lines;
  for (const auto& mine : ws.manifest().packages) {
    auto it = theirs.find(mine.name);
    if (it == theirs.end() || SamePin(mine, *it->second)) continue;
    lines.push_back(absl::StrCat("  ", mine.name, ": project ", Pin(mine), ", mathlib ",
                                 Pin(*it->second)));
  }
  if (!lines.empty()) {
    out.ok = false;
    out.stderr_lines.push_back(
        "Warning: your project pins different versions of some dependencies than Mathlib.");
    for (auto& l : lines) out.stderr_lines.push_back(l);
    out.stderr_lines.push_back(
        "The cache only matches Mathlib's own pins. Run `lake update` to adopt Mathlib's "
        "versions of inherited dependencies, or change the `require` of a direct dependency to "
        "Mathlib's revision.");
  }
  return out;
}

}  // namespace leancache::get
