#pragma once
// Runs an external program (git) without a shell and captures its output.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::sources {

struct CommandResult {
  int exit_code = -1;       // exit status; 128+N when killed by signal N
  std::string out;          // captured stdout (capped, see RunCommand)
  std::string err;          // captured stderr (capped)
};

// Runs argv[0] (looked up on PATH) with `argv` in directory `cwd`, stdin from /dev/null, and
// captures stdout and stderr (each capped at 1 MiB; the rest is read and dropped). The child
// inherits the daemon's environment plus `GIT_TERMINAL_PROMPT=0` so git never waits for a
// password. If it has not exited after `timeout`, it is killed (SIGKILL) and reaped.
// Errors: InvalidArgument for an empty argv; NotFound when the program is not on PATH or `cwd`
// does not exist; DeadlineExceeded on timeout; Internal for pipe/spawn failures. A nonzero exit
// is NOT an error: it is returned in `exit_code`.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const std::filesystem::path& cwd,
                                         std::chrono::milliseconds timeout);

}  // namespace leancache::sources
