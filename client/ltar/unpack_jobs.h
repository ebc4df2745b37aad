// The unpack side of `ltar`: expanding `-` into the JSON list read from stdin, and unpacking
// archives in parallel with leantar's error handling (truncated archives are deleted).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/unpacker.h"

namespace leancache::ltar_cli {

struct UnpackJob {
  std::string file;
  std::vector<std::string> bases;
};

// Parses the JSON array leantar reads for `-x -` (spec §2.3): strings, or objects with "file"
// and optional "base" (string = base 0, or array of string|null; null keeps the command-line
// base; the list may only be extended contiguously). Errors: InvalidArgument.
absl::StatusOr<std::vector<UnpackJob>> ParseJsonJobs(std::string_view json,
                                                     const std::vector<std::string>& cli_bases);

struct UnpackSummary {
  int failed = 0;
  int deleted = 0;
  int skipped = 0;
  int unpacked = 0;
};

// Unpacks every job with up to `jobs` threads. Per archive: success (verbose: a line on stdout);
// corrupted (truncated) -> "<file>: removing corrupted file" on stderr and the file is deleted;
// any other error -> its message on stderr and counted as failed.
UnpackSummary RunUnpackJobs(const std::vector<UnpackJob>& jobs_list,
                            const ltar::UnpackOptions& options, int jobs, bool verbose);

}  // namespace leancache::ltar_cli
