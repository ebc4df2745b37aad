#include "client/cli/invocation.h"

#include <unistd.h>

#include <filesystem>

namespace leancache::cli {

bool Forwarded(const std::string& name) {
  static const char* kPrefixes[] = {"MATHLIB_", "LEAN_", "LEANCACHE_", "LAKE_", "RESERVOIR_", "ELAN_"};
  for (const char* p : kPrefixes) {
    if (name.rfind(p, 0) == 0) return true;
  }
  static const char* kNames[] = {"XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME", "HOMEDRIVE",
                                 "HOMEPATH", "TERM", "RCLONE_S3_PROVIDER"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

void FillInvocation(const CommandLine& cl, v1::Invocation* inv) {
  inv->set_project_root(cl.project_dir);
  inv->set_json(cl.json);
  std::error_code ec;
  inv->set_client_cwd(std::filesystem::current_path(ec).string());
  for (const auto& a : cl.args) inv->add_args(a);
  for (const auto& [k, v] : cl.options) (*inv->mutable_options())[k] = v;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string name = entry.substr(0, eq);
    if (Forwarded(name)) (*inv->mutable_env())[name] = entry.substr(eq + 1);
  }
}

}  // namespace leancache::cli
