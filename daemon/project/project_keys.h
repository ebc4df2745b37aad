#pragma once
// The hashing pass every project command starts with: open the workspace named by the request,
// resolve the module arguments, and compute Mathlib cache keys through the daemon's memo (so
// unchanged files are not read again).

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"
#include "common/keys/root_hash.h"
#include "common/workspace/workspace.h"
#include "daemon/project/request_env.h"
#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"

namespace leancache::project {

struct ProjectKeys {
  RequestEnv request;
  std::optional<workspace::Workspace> workspace;
  std::shared_ptr<const keys::KeyResult> keys;             // possibly shared with the cache
  std::vector<std::string> roots;                          // modules named by ARGS (empty: none)
  // Modules the command acts on, sorted by name, pointing into `keys`.
  std::vector<const std::pair<const std::string, keys::ModuleEntry>*> scope;
  std::filesystem::path cache_dir;                         // CACHEDIR of this request
};

// The key graph of `ws` for `roots` (module names; empty: the default root) under `options`,
// from the daemon's key cache when none of its inputs changed, else computed through the LMDB
// memo and cached. The cache key is the project, LEAN_SRC_PATH, the sorted roots and the
// options, so every command and the editor RPCs share warm graphs. Errors are ComputeKeys'.
absl::StatusOr<std::shared_ptr<const keys::KeyResult>> CachedKeyGraph(
    const core::DaemonState& state, const RequestEnv& request, const workspace::Workspace& ws,
    const std::vector<std::string>& roots, const keys::RootHashOptions& options);

// Runs the hashing pass. The original's warnings go to the sink as they would to stdout. On
// error the message is written to the sink, Done(1) is sent, and nullopt is returned.
// `scope` is every hashed module without ARGS, or the closure of the ARGS roots with them.
std::optional<ProjectKeys> ComputeProjectKeys(const core::DaemonState& state,
                                              const v1::CommandRequest& request,
                                              core::EventSink& sink);

}  // namespace leancache::project
