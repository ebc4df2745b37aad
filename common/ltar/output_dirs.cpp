#include "common/ltar/output_dirs.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/fs/confined_path.h"

namespace leancache::ltar {
namespace {

// Cache key of the directory part of `comps` below `base`.
std::string DirKey(const std::string& base, const std::vector<std::string>& comps) {
  std::string key = base;
  key.push_back('\0');
  for (size_t i = 0; i + 1 < comps.size(); ++i) absl::StrAppend(&key, comps[i], "/");
  return key;
}

}  // namespace

absl::StatusOr<std::string> OutputDirs::Resolve(const std::string& base, std::string_view name,
                                                bool create, std::vector<std::string>* created) {
  absl::StatusOr<std::vector<std::string>> comps = fs::SplitSafeRelativePath(name);
  if (!comps.ok()) return comps.status();
  const std::string& leaf = comps->back();
  const std::string key = DirKey(base, *comps);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dirs_.find(key);
    if (it != dirs_.end()) {
      std::string out = absl::StrCat(it->second, "/", leaf);
      if (create) return out;
      struct stat st;
      if (::lstat(out.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return absl::FailedPreconditionError(absl::StrCat(out, ": is a directory"));
      }
      return out;
    }
  }
  absl::StatusOr<std::string> out = fs::ResolveConfinedPath(base, name, create, created);
  if (!out.ok()) return out;
  std::string dir = out->substr(0, out->size() - leaf.size() - 1);
  struct stat st;
  if (create || (::stat(dir.empty() ? "/" : dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.emplace(key, std::move(dir));
  }
  return out;
}

void OutputDirs::Forget(const std::string& base, std::string_view name) {
  absl::StatusOr<std::vector<std::string>> comps = fs::SplitSafeRelativePath(name);
  if (!comps.ok()) return;
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.erase(DirKey(base, *comps));
}

}  // namespace leancache::ltar
