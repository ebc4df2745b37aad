#include "common/lake/staging_dir.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace leancache::lake {

absl::StatusOr<StagingListing> ListStagingDir(const std::filesystem::path& dir) {
  std::error_code ec;
  auto st = std::filesystem::symlink_status(dir, ec);
  if (ec || !std::filesystem::is_directory(st)) {
    return absl::NotFoundError(absl::StrCat("staging directory not found: ", dir.string()));
  }
  StagingListing out;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto type = it->symlink_status(ec).type();
    if (ec) break;
    std::string name = it->path().filename().string();
    if (type != std::filesystem::file_type::regular) {
      return absl::InvalidArgumentError(absl::StrCat(
          dir.string(), ": '", name, "' is not a regular file (a staging directory must be flat)"));
    }
    out.files.push_back(std::move(name));
  }
  if (ec) return absl::InternalError(absl::StrCat(dir.string(), ": cannot list: ", ec.message()));
  std::sort(out.files.begin(), out.files.end());
  if (!std::binary_search(out.files.begin(), out.files.end(), std::string(kStagedMappings))) {
    return absl::NotFoundError(absl::StrCat(dir.string(), ": no ", std::string(kStagedMappings)));
  }
  out.mappings = dir / std::string(kStagedMappings);
  return out;
}

}  // namespace leancache::lake
