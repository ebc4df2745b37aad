// Whole-environment checks run when the index is opened, so damage is found once at startup
// (and the index rebuilt) rather than in the middle of a request.
#pragma once

#include <filesystem>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/index/lmdb_env.h"

namespace leancache::index {

// Reads every page reachable in the environment (free list, main database, all four tables),
// checks the schema version and decodes every value. DataLoss naming the first problem.
absl::Status ValidateIndexContents(LmdbEnv& env);

// Runs ValidateIndexContents on the environment in `dir` in a forked child process, opened
// read-only. LMDB trusts its pages, so a scrambled page can crash the reader (SIGBUS/SIGSEGV);
// in a child that crash becomes a DataLoss answer instead of a daemon that dies on every start.
// Returns true if the environment is healthy, false if it could not be checked (no data file
// yet, fork failed, non-damage error: the caller checks in-process), DataLoss if damaged.
// Call it while the process has no other threads and does not have `dir` open.
absl::StatusOr<bool> ProbeIndexInChild(const std::filesystem::path& dir);

}  // namespace leancache::index
