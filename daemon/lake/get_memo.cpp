#include "daemon/lake/get_memo.h"

#include "absl/strings/str_cat.h"
#include "common/lake/cache_layout.h"

namespace leancache::lake {

std::string LakeGetKey(const std::filesystem::path& cache_dir, const std::string& package, const std::string& rev,
                       const std::string& service, const std::string& scope, const std::string& user) {
  return absl::StrCat(cache_dir.string(), "\n", package, "\n", rev, "\n", service, "\n", scope, "\n", user);
}

std::set<std::filesystem::path> LakeGetDirs(const std::filesystem::path& cache_dir, const std::string& package) {
  return {ArtifactsDir(cache_dir), OutputsDir(cache_dir, package), RevisionsDir(cache_dir, package)};
}

}  // namespace leancache::lake
