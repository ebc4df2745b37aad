#pragma once
// Moving archives between CACHEDIR and a staging directory (spec §7.1): `stage` copies the
// archives it packed into D; `unstage` copies D's `*.ltar` files into CACHEDIR. Every copy is
// atomic (temporary file in the target directory, renamed into place).

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leancache::store {
class BlobStore;
}

namespace leancache::pack {

// Checks the --staging-dir option value: Ok for an existing directory, otherwise
// InvalidArgument "--staging-dir must be a directory".
absl::Status CheckStagingDir(const std::filesystem::path& dir);

// Copies `from` to `to` atomically (temp file next to `to`, renamed over it).
// Errors: I/O errors naming the path that failed.
absl::Status CopyFileAtomic(const std::filesystem::path& from, const std::filesystem::path& to);

// Copies CACHEDIR/<name> into `staging_dir` for each name (overwriting, as `cp` does).
// Returns how many were copied. Errors: the first failed copy.
absl::StatusOr<size_t> StageArchives(const std::filesystem::path& cache_dir,
                                     const std::vector<std::string>& names,
                                     const std::filesystem::path& staging_dir);

struct UnstageReport {
  size_t copied = 0;
  size_t skipped_existing = 0;
  std::vector<std::string> rejected;  // "<path>: <reason>" for files that are not archives
};

// Copies every `*.ltar` file found (recursively) under `staging_dir` into CACHEDIR under its
// file name, skipping names that already exist there unless `force`. With a blob store, files
// named `<hash16>.ltar` are admitted through it (TempPathFor + Adopt: header checked, indexed);
// one that is not a valid archive is listed in `rejected` and not copied. Errors: cannot walk
// `staging_dir`, I/O errors.
absl::StatusOr<UnstageReport> UnstageArchives(const std::filesystem::path& staging_dir,
                                              const std::filesystem::path& cache_dir, bool force,
                                              store::BlobStore* store);

}  // namespace leancache::pack
