// Where Lake keeps its local cache (spec lake-native-cache.md §B.3 "Default cache location",
// Lake's Env.compute), resolved from a request's forwarded environment, first match wins:
//   1. $LAKE_CACHE_DIR when set and non-empty; set but EMPTY disables the system cache and the
//      workspace's own "<root>/.lake/cache" is used;
//   2. "<ELAN_HOME>/toolchains/<toolchain-dir>/lake/cache" when Lake runs from an elan
//      toolchain (per toolchain; the name written the elan way, see ToolchainDir);
//   3. "$XDG_CACHE_HOME/lake", else "$HOME/.cache/lake";
//   4. "<root>/.lake/cache".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace leancache::lake {

// elan's directory name for a toolchain: '/' -> "--", ':' -> "---"
// ("leanprover/lean4:v4.22.0" -> "leanprover--lean4---v4.22.0"). Lake's toolchain2Dir.
std::string ToolchainDir(std::string_view toolchain);

struct CacheDirInputs {
  std::map<std::string, std::string> env;  // the forwarded environment
  std::filesystem::path workspace_root;    // absolute project root
  // The toolchain Lake would run under: $ELAN_TOOLCHAIN, else the project's lean-toolchain
  // file (trimmed); nullopt when not run through elan (no elan home).
  std::optional<std::string> elan_toolchain;
  std::filesystem::path elan_home;         // $ELAN_HOME or $HOME/.elan (used with elan_toolchain)
};

// The cache root per the rules above.
std::filesystem::path ResolveLakeCacheDir(const CacheDirInputs& in);

// The elan home of `env`: $ELAN_HOME, else $HOME/.elan, else empty.
std::filesystem::path ElanHome(const std::map<std::string, std::string>& env);

// The toolchain elan would pick for `workspace_root`: $ELAN_TOOLCHAIN when set and non-empty,
// else `lean_toolchain_file` (the contents of <root>/lean-toolchain) trimmed, else nullopt.
std::optional<std::string> ElanToolchain(const std::map<std::string, std::string>& env,
                                         std::optional<std::string> lean_toolchain_file);

}  // namespace leancache::lake
