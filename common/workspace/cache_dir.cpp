#include "common/workspace/cache_dir.h"

namespace leancache::workspace {
namespace {

// Lean `FilePath./`: joins with a separator; "" / "x" is "/x".
std::string LeanJoin(const std::string& a, const std::string& b) {
  if (!a.empty() && a.back() == '/') return a + b;
  return a + "/" + b;
}

}  // namespace

std::filesystem::path ResolveCacheDir(const std::map<std::string, std::string>& env) {
  if (auto it = env.find("MATHLIB_CACHE_DIR"); it != env.end()) return it->second;
  if (auto it = env.find("XDG_CACHE_HOME"); it != env.end()) return LeanJoin(it->second, "mathlib");
#ifdef _WIN32
  auto drive = env.find("HOMEDRIVE");
  auto path = env.find("HOMEPATH");
  if (drive != env.end() && path != env.end()) {
    return LeanJoin(LeanJoin(drive->second + path->second, ".cache"), "mathlib");
  }
#else
  if (auto it = env.find("HOME"); it != env.end()) {
    return LeanJoin(LeanJoin(it->second, ".cache"), "mathlib");
  }
#endif
  return ".cache";
}

}  // namespace leancache::workspace
