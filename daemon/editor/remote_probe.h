#pragma once
// "Is this archive on the remote?" for FileStatus(check_remote): an HTTP HEAD of each archive's
// URL in the FIRST round of the request's `get` source chain (the same chain `get` would try
// first, MATHLIB_CACHE_GET_URL included). The transport has no HEAD, and a HEAD is a short,
// bodiless exchange, so this uses one libcurl easy handle (connection reused across keys) with
// short timeouts: an editor must not hang on a dead network.
//
// Verdicts: 2xx → PRESENT; 404 (and 403 in a legacy round) → MISSING; anything else, including
// timeouts and unreachable hosts → UNKNOWN. URLs (which may hold SAS tokens) are never logged.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::editor {

struct RemoteProbeRequest {
  std::filesystem::path mathlib_dir;
  bool is_mathlib_root = false;
  std::map<std::string, std::string> options;  // forwarded --repo/--scope/--cache-from
  std::map<std::string, std::string> env;      // forwarded environment
  std::vector<std::string> hash16s;            // archives to look for
  std::chrono::milliseconds timeout{3000};     // per HEAD
  std::chrono::milliseconds budget{8000};      // for all of them; the rest stay UNKNOWN
};

// hash16 → state for every requested archive; the chain is built with `network.config` (null:
// the defaults). Errors: the source chain cannot be built (bad --cache-from, conflicting
// settings), with the chain's message.
absl::StatusOr<std::map<std::string, v1::RemoteState>> ProbeRemote(const core::Network& network,
                                                                   const RemoteProbeRequest& request);

}  // namespace leancache::editor
