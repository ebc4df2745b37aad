#pragma once
// The project an editor request names, and its cache keys. This is the sink-free twin of
// project::ComputeProjectKeys for RPCs that have no Event stream (FileStatus, Watch): the same
// request parsing, workspace, CACHEDIR rule, memoising reader and the daemon's key cache under
// the same cache key (so `hash`, `get` and the editor share warm key graphs), but errors come
// back as values and hashing warnings are kept for the caller.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"
#include "common/workspace/workspace.h"
#include "daemon/project/request_env.h"
#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::editor {

struct EditorProject {
  project::RequestEnv request;
  std::optional<workspace::Workspace> workspace;
  std::filesystem::path cache_dir;  // CACHEDIR of this request (from the forwarded env)
};

// Parses the invocation (absolute existing project root, forwarded env) and opens the workspace.
// Errors: InvalidArgument/NotFound naming the project root, or the workspace's own error
// (broken lake-manifest.json, no Mathlib in the search path).
absl::StatusOr<EditorProject> OpenEditorProject(const v1::Invocation& invocation);

// The key graph of the project with `extra_roots` (canonical module names) added to the
// `Mathlib` root, from the daemon's key cache when nothing changed. Errors are ComputeKeys'
// (header parse error: InvalidArgument "{mod}:{line}:{col}: ...", unknown import prefix:
// NotFound, dependency loop: FailedPrecondition).
absl::StatusOr<std::shared_ptr<const keys::KeyResult>> EditorKeys(
    const core::DaemonState& state, const EditorProject& project,
    std::vector<std::string> extra_roots);

}  // namespace leancache::editor
