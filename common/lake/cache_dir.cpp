#include "common/lake/cache_dir.h"

#include "absl/strings/ascii.h"

namespace leancache::lake {
namespace {

const std::string* Find(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? nullptr : &it->second;
}

}  // namespace

std::string ToolchainDir(std::string_view toolchain) {
  std::string out;
  for (char c : toolchain) {
    if (c == '/') out += "--";
    else if (c == ':') out += "---";
    else out += c;
  }
  return out;
}

std::filesystem::path ElanHome(const std::map<std::string, std::string>& env) {
  if (const auto* v = Find(env, "ELAN_HOME"); v != nullptr && !v->empty()) return *v;
  if (const auto* home = Find(env, "HOME"); home != nullptr && !home->empty()) {
    return std::filesystem::path(*home) / ".elan";
  }
  return {};
}

std::optional<std::string> ElanToolchain(const std::map<std::string, std::string>& env,
                                         std::optional<std::string> lean_toolchain_file) {
  if (const auto* v = Find(env, "ELAN_TOOLCHAIN"); v != nullptr && !v->empty()) return *v;
  if (lean_toolchain_file) {
    std::string t(absl::StripAsciiWhitespace(*lean_toolchain_file));
    if (!t.empty()) return t;
  }
  return std::nullopt;
}

std::filesystem::path ResolveLakeCacheDir(const CacheDirInputs& in) {
  const std::filesystem::path local = in.workspace_root / ".lake" / "cache";
  if (const auto* v = Find(in.env, "LAKE_CACHE_DIR")) {
    return v->empty() ? local : std::filesystem::path(*v);
  }
  if (in.elan_toolchain && !in.elan_home.empty()) {
    return in.elan_home / "toolchains" / ToolchainDir(*in.elan_toolchain) / "lake" / "cache";
  }
  if (const auto* xdg = Find(in.env, "XDG_CACHE_HOME"); xdg != nullptr && !xdg->empty()) {
    return std::filesystem::path(*xdg) / "lake";
  }
  if (const auto* home = Find(in.env, "HOME"); home != nullptr && !home->empty()) {
    return std::filesystem::path(*home) / ".cache" / "lake";
  }
  return local;
}

}  // namespace leancache::lake
