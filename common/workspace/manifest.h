// Lake's `lake-manifest.json` (the parts leancache needs: package names and locations).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::workspace {

// One dependency entry. `type` is "git" or "path". For git packages the package directory is
// `{packages_dir}/{name}[/{sub_dir}]`; for path packages it is `dir`, relative to the project.
struct ManifestPackage {
  std::string name;
  std::string type;
  std::string dir;      // path packages only
  std::string sub_dir;  // git packages; empty when absent or null
  std::string url, rev, input_rev, scope;
  // The package directory as a project-relative (or absolute) path string.
  std::string PackageDirText(std::string_view packages_dir) const;
};

struct Manifest {
  std::string name;                             // the root package name (may be empty)
  std::string packages_dir = ".lake/packages";  // "packagesDir"
  std::vector<ManifestPackage> packages;        // in manifest order
};

// Parses manifest JSON. Accepts the current flat entries ({"type":"git","name":…}) and the
// older wrapped ones ({"git":{…}} / {"path":{…}}). Errors (InvalidArgument) name `file_for_errors`
// and say what is wrong ("not valid JSON: …", "'packages' is not an array", …).
absl::StatusOr<Manifest> ParseManifest(std::string_view json_text, std::string_view file_for_errors);

// Reads and parses `file`. Errors name the file.
absl::StatusOr<Manifest> ReadManifest(const std::filesystem::path& file);

}  // namespace leancache::workspace
