#pragma once
// Cache keys of an open project: the hashing pass every project command starts with, and the
// key graphs the editor RPCs and eviction ask for.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"
#include "common/keys/root_hash.h"
#include "common/workspace/workspace.h"
#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"
#include "daemon/project/open_project.h"
#include "daemon/project/request_env.h"

namespace leancache::project {

// An open project (request, workspace, CACHEDIR) with its cache keys.
struct ProjectKeys : OpenProject {
  std::shared_ptr<const keys::KeyResult> keys;             // possibly shared with the cache
  std::vector<std::string> roots;                          // modules named by ARGS (empty: none)
  // Modules the command acts on, sorted by name, pointing into `keys`.
  std::vector<const std::pair<const std::string, keys::ModuleEntry>*> scope;
};

// The key graph of `ws` for `roots` (module names; empty: the default root) under `options`,
// computed through the LMDB memo of `local.index` (unchanged files are not read again) without
// the key cache. Errors are ComputeKeys'.
absl::StatusOr<std::shared_ptr<const keys::KeyResult>> KeyGraph(
    const core::LocalCache& local, const workspace::Workspace& ws,
    const std::vector<std::string>& roots, const keys::RootHashOptions& options);

// KeyGraph through the daemon's key cache (`local.key_cache`; null: always computed): from the
// cache when none of its inputs changed, else computed and cached. The cache key is the project,
// LEAN_SRC_PATH, the sorted roots and the options, so every command and the editor RPCs share
// warm graphs. Errors are ComputeKeys'.
absl::StatusOr<std::shared_ptr<const keys::KeyResult>> CachedKeyGraph(
    const core::LocalCache& local, const RequestEnv& request, const workspace::Workspace& ws,
    const std::vector<std::string>& roots, const keys::RootHashOptions& options);

// The hashing pass every project command starts with: Open the project, resolve the module
// arguments `args`, and compute the keys (CachedKeyGraph; --root-hash-generation and --githash
// from the request's options). The original's warnings go to `sink` as they would to stdout; the
// error (worded as the original prints it) is returned for the caller to `sink.Fail`. `scope` is
// every hashed module without ARGS, or the closure of the ARGS roots with them.
absl::StatusOr<ProjectKeys> ComputeProjectKeys(const core::LocalCache& local,
                                               const v1::Invocation& invocation,
                                               const std::vector<std::string>& args,
                                               core::EventSink& sink);

// ComputeProjectKeys with the invocation's own arguments.
absl::StatusOr<ProjectKeys> ComputeProjectKeys(const core::LocalCache& local,
                                               const v1::Invocation& invocation,
                                               core::EventSink& sink);

}  // namespace leancache::project
