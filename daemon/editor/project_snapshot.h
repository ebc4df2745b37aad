#pragma once
// The state of every module of a project at one moment (for Watch): what FileStatus would say
// about each module of the key graph (plus extra roots), and the difference between two such
// snapshots.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/core/local_cache.h"
#include "daemon/editor/editor_project.h"
#include "daemon/store/blob_store.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::editor {

struct ProjectSnapshot {
  uint64_t root_hash = 0;
  std::map<std::string, v1::FileState> modules;  // by module; path = absolute source file
};

// Hashes the project with `extra_roots` and fills a FileState for every hashed and unhashed
// module and every extra root. Errors are EditorKeys' (the graph cannot be computed).
absl::StatusOr<ProjectSnapshot> TakeSnapshot(const core::LocalCache& local, const project::OpenProject& project,
                                             store::BlobStore* store, const std::set<std::string>& extra_roots);

// The states in `now` that differ from `before` (key, archive_local, unpacked, problem, reason),
// plus a NOT_IN_PROJECT state for each module of `before` missing from `now`. Ordered by module.
std::vector<v1::FileState> ChangedStates(const ProjectSnapshot& before, const ProjectSnapshot& now);

// True when two states agree on everything Watch reports a change for.
bool SameState(const v1::FileState& a, const v1::FileState& b);

}  // namespace leancache::editor
