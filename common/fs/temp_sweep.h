// Temporary-file names of AtomicFile and the sweep that removes those a dead process left.
//
// AtomicFile writes "<dir>/.lctmp.<pid>.<6 random chars>" and renames it over its target. A
// process killed between the two (kill -9, power loss) leaves the temporary file behind; it is
// never read by anyone (no reader looks at dot files named like this), so the only harm is the
// space it takes. RemoveAbandonedTemps clears them where the caller is about to write anyway.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::fs {

// The temporary name AtomicFile uses for a target in `dir`: "<dir>/.lctmp.<pid>.<suffix>".
std::string TempName(std::string_view dir, pid_t pid, std::string_view suffix);

// The creator's pid if `name` (a base name, no directory) is an AtomicFile temporary name,
// else -1.
pid_t TempNameOwner(std::string_view name);

struct SweepOptions {
  // A temporary file this old is abandoned even if a process with its creator's pid is alive
  // (pids are reused; no write of ours takes this long).
  std::chrono::seconds max_age{std::chrono::hours(24)};
};

// Removes the AtomicFile temporary files directly in `dir` (not recursive) whose creator is no
// longer running (proc::ProcessEnded) or that are older than options.max_age. Files
// of this process and of live processes (including other users' processes) are kept.
// Returns how many were removed. Errors: `dir` cannot be read; a failed unlink of one file is
// skipped (it is retried by the next sweep).
absl::StatusOr<size_t> RemoveAbandonedTemps(const std::string& dir, SweepOptions options);
inline absl::StatusOr<size_t> RemoveAbandonedTemps(const std::string& dir) {
  return RemoveAbandonedTemps(dir, SweepOptions());
}

// RemoveAbandonedTemps for every directory below `root` (itself included) that holds an
// AtomicFile temporary name; symlinks are not followed. A missing `root` removes nothing.
// Returns how many were removed. Errors: a directory below `root` cannot be read.
absl::StatusOr<size_t> RemoveAbandonedTempsBelow(const std::string& root, SweepOptions options);
inline absl::StatusOr<size_t> RemoveAbandonedTempsBelow(const std::string& root) {
  return RemoveAbandonedTempsBelow(root, SweepOptions());
}

}  // namespace leancache::fs
