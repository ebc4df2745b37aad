#pragma once
// The key graphs the editor RPCs (FileStatus, Watch) ask for, of a project opened with
// project::Open: the daemon's key cache under the same cache key as the commands, so `hash`,
// `get` and the editor share warm key graphs. Errors come back as values.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"
#include "daemon/core/local_cache.h"
#include "daemon/project/open_project.h"

namespace leancache::editor {

// The key graph of the project with `extra_roots` (canonical module names) added to the
// `Mathlib` root, from the daemon's key cache when nothing changed. Errors are ComputeKeys'
// (header parse error: InvalidArgument "{mod}:{line}:{col}: ...", unknown import prefix:
// NotFound, dependency loop: FailedPrecondition).
absl::StatusOr<std::shared_ptr<const keys::KeyResult>> EditorKeys(
    const core::LocalCache& local, const project::OpenProject& project,
    std::vector<std::string> extra_roots);

}  // namespace leancache::editor
