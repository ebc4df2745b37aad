// The git facts Lake's cache commands use, asked in a package's directory (spec
// lake-native-cache-2026.md §3.7, §3.8).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::lake {

// `git rev-list HEAD` (with `-n max_revs` unless 0): all ancestors, newest first.
// Errors: FailedPrecondition naming the directory and git's message.
absl::StatusOr<std::vector<std::string>> HeadRevisions(const std::filesystem::path& dir, size_t max_revs);

// `git rev-parse --verify <rev>^{commit}`: the full SHA. Errors name the revision.
absl::StatusOr<std::string> ResolveRevision(const std::filesystem::path& dir, const std::string& rev);

// True when the work tree differs from HEAD (`git status --porcelain` prints something).
absl::StatusOr<bool> HasChanges(const std::filesystem::path& dir);

}  // namespace leancache::lake
