// What `leancache lake` needs from a Lake package's configuration without running Lake: the
// package name (its local cache scope, outputs/<name>/ and revisions/<name>/), and the two
// settings that shape repository-scoped revision URLs (spec lake-native-cache-2026.md §3.4):
// `platformIndependent` (no "pt/") and `fixedToolchain` (no "tc/"). Read from lakefile.toml
// (toml++), else from lakefile.lean by a plain text scan (`package «name»` / `package name`,
// `platformIndependent := true`, `fixedToolchain := true`).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lake {

struct PackageInfo {
  std::string name;
  std::optional<bool> platform_independent;
  bool fixed_toolchain = false;
};

// Parses lakefile.toml text. Errors: TOML syntax; no `name`.
absl::StatusOr<PackageInfo> ParseLakefileToml(std::string_view text, std::string_view origin);
// Scans lakefile.lean text. Errors: no `package` declaration.
absl::StatusOr<PackageInfo> ScanLakefileLean(std::string_view text, std::string_view origin);
// Reads <root>/lakefile.toml, else <root>/lakefile.lean. Errors: neither exists, or the above.
absl::StatusOr<PackageInfo> ReadPackageInfo(const std::filesystem::path& root);

// Lake's System.Platform.target for this build of leancache (e.g. "x86_64-unknown-linux-gnu").
std::string HostPlatformTarget();

}  // namespace leancache::lake
