#include "common/lake/package_info.h"

#include <toml++/toml.h>

#include <regex>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::lake {

absl::StatusOr<PackageInfo> ParseLakefileToml(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ", std::string(e.description())));
  }
  PackageInfo info;
  info.name = root["name"].value_or(std::string());
  if (info.name.empty()) return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": no package `name`"));
  if (auto v = root["platformIndependent"].value<bool>()) info.platform_independent = *v;
  info.fixed_toolchain = root["fixedToolchain"].value_or(false);
  return info;
}

absl::StatusOr<PackageInfo> ScanLakefileLean(std::string_view text, std::string_view origin) {
  const std::string s(text);
  std::smatch m;
  static const std::regex kPackage(R"((?:^|\n)\s*package\s+(?:«([^»]+)»|([A-Za-z_][A-Za-z0-9_'!?.-]*)))");
  if (!std::regex_search(s, m, kPackage)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": no `package` declaration"));
  }
  PackageInfo info;
  info.name = m[1].matched ? m[1].str() : m[2].str();
  static const std::regex kPlatform(R"(platformIndependent\s*:=\s*(?:some\s+)?(true|false))");
  if (std::regex_search(s, m, kPlatform)) info.platform_independent = m[1].str() == "true";
  static const std::regex kFixed(R"(fixedToolchain\s*:=\s*true)");
  info.fixed_toolchain = std::regex_search(s, kFixed);
  return info;
}

absl::StatusOr<PackageInfo> ReadPackageInfo(const std::filesystem::path& root) {
  for (const char* file : {"lakefile.toml", "lakefile.lean"}) {
    std::filesystem::path p = root / file;
    absl::StatusOr<std::string> text = fs::ReadFile(p.string(), 4 << 20);
    if (!text.ok()) {
      if (absl::IsNotFound(text.status())) continue;
      return text.status();
    }
    return std::string_view(file) == "lakefile.toml" ? ParseLakefileToml(*text, p.string())
                                                     : ScanLakefileLean(*text, p.string());
  }
  return absl::NotFoundError(absl::StrCat("no lakefile.toml or lakefile.lean in ", root.string()));
}

std::string HostPlatformTarget() {
#if defined(__x86_64__)
  const char* arch = "x86_64";
#elif defined(__aarch64__)
  const char* arch = "aarch64";
#else
  const char* arch = "unknown";
#endif
#if defined(__linux__)
  return absl::StrCat(arch, "-unknown-linux-gnu");
#elif defined(__APPLE__)
  return absl::StrCat(arch, "-apple-darwin");
#else
  return absl::StrCat(arch, "-unknown-unknown");
#endif
}

}  // namespace leancache::lake
