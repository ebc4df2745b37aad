#include "common/keys/package_filter.h"

#include <algorithm>

#include "common/header/module_name.h"

namespace leancache::keys {

const std::vector<std::string>& CachedPackageRoots() {
  static const std::vector<std::string> kRoots = {
      "Mathlib",  "Batteries",       "BatteriesRecycling", "Aesop",        "Cli",
      "ImportGraph", "LeanSearchClient", "Plausible",       "Qq",           "ProofWidgets",
      "Archive",  "Counterexamples", "MathlibTest",        "Requests",     "OpenAIClient",
      "Reap",     "Canonical",       "Duper",              "Auto",         "PremiseSelection",
      "Hammer"};
  return kRoots;
}

bool IsPartOfMathlibCache(std::string_view module) {
  // Fast path: the canonical name of a cached module starts with a plain identifier.
  std::string_view root = module.substr(0, module.find('.'));
  if (root.empty() || root.find('\xC2') != std::string_view::npos) {
    std::string raw = header::ModuleRoot(module);
    const auto& roots = CachedPackageRoots();
    return std::find(roots.begin(), roots.end(), raw) != roots.end();
  }
  const auto& roots = CachedPackageRoots();
  return std::find(roots.begin(), roots.end(), root) != roots.end();
}

}  // namespace leancache::keys
