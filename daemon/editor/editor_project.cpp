#include "daemon/editor/editor_project.h"

#include <algorithm>

#include "daemon/project/project_keys.h"

namespace leancache::editor {

absl::StatusOr<std::shared_ptr<const keys::KeyResult>> EditorKeys(
    const core::LocalCache& local, const project::OpenProject& project,
    std::vector<std::string> extra_roots) {
  std::sort(extra_roots.begin(), extra_roots.end());
  extra_roots.erase(std::unique(extra_roots.begin(), extra_roots.end()), extra_roots.end());
  return project::CachedKeyGraph(local, project.request, *project.workspace, extra_roots,
                                 keys::RootHashOptions());
}

}  // namespace leancache::editor
