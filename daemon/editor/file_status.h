#pragma once
// FileStatus: the cache state of each file an editor asks about (see file_state.h for what the
// fields mean). Paths that are not modules of the workspace get PROBLEM_NOT_IN_PROJECT. Files
// outside Mathlib's own import graph (a downstream project's files, a new file nobody imports
// yet) are hashed as extra roots. When the project's keys cannot be computed at all (a header
// that does not parse, an import with an unknown package prefix, an import loop), each file is
// hashed on its own so the files that are fine still get their state, and the others get
// PROBLEM_PARSE_ERROR or PROBLEM_MISSING_IMPORT with the hasher's message.

#include "absl/status/statusor.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::editor {

// Answers one FileStatus request from the local cache (`network` only for check_remote).
// Errors (the request as a whole is unusable): the project root is not an absolute existing
// directory (InvalidArgument/NotFound), the workspace cannot be opened (its own error, naming
// lake-manifest.json or the missing Mathlib), or no paths were given (InvalidArgument).
absl::StatusOr<v1::FileStatusReply> ComputeFileStatus(const core::LocalCache& local,
                                                      const core::Network& network,
                                                      const v1::FileStatusRequest& request);

}  // namespace leancache::editor
