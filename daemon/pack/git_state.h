#pragma once
// The two git facts pack and commit need (spec §6.2, §8), both asked in the project root.

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leancache::pack {

// `git rev-parse HEAD` in `dir`, trimmed. As the original, a nonzero exit or any stderr output
// is a failure. Errors: FailedPrecondition "git rev-parse HEAD failed in <dir>: <stderr>", or
// the runner's error (git not found, timeout).
absl::StatusOr<std::string> GitHead(const std::filesystem::path& dir);

// True when `git status --porcelain` in `dir` prints nothing (the §8 precondition).
// Errors: FailedPrecondition when git fails, naming `dir`.
absl::StatusOr<bool> WorkingTreeClean(const std::filesystem::path& dir);

// The §8 refusal printed (exit 0) when the working tree is not clean.
inline constexpr char kCommitFirstMessage[] = "Please commit your changes first";

}  // namespace leancache::pack
