#pragma once
// The editor API from a terminal (and for editors without a native client):
//
//   leancache status FILE... [--json] [--remote]
//       The cache state of each .lean file (or module name): one line per file, or with --json
//       {"root_hash": "<16 hex>", "files": [FileStateJson...]} (see file_state_format.h).
//       --remote also asks the first download source (HEAD) whether each archive exists.
//       Exit: 0 every file is served from the cache (problem "none"), 2 some file has a
//       problem, 1 the request failed (no daemon, unusable project).
//   leancache watch [--json]
//       Streams changes for the project (-C DIR or cwd) until Ctrl-C: file state lines and get
//       progress; with --json one JSON object per line, {"event": "ready"|"file"|"progress", ...}.
//       Exit 0 on Ctrl-C or when the daemon ends the stream, 1 on errors.
//   leancache prefetch FILE|MODULE... [--priority=N]
//       Downloads and unpacks the import closure of the files, leaves first (Prefetch RPC),
//       with the usual output and exit codes of `get`.

#include "client/cli/command_line.h"

namespace leancache::editor_client {

// Each returns the exit code on an early error; `status` and `prefetch` end the process
// themselves (cli::ExitNow) once their answer is printed.
int RunStatus(const cli::CommandLine& cl);
int RunWatch(const cli::CommandLine& cl);
int RunPrefetch(const cli::CommandLine& cl);

}  // namespace leancache::editor_client
