#include "daemon/editor/editor_project.h"

#include <algorithm>

#include "common/workspace/cache_dir.h"
#include "daemon/project/project_keys.h"

namespace leancache::editor {

absl::StatusOr<EditorProject> OpenEditorProject(const v1::Invocation& invocation) {
  auto req = project::ParseRequestEnv(invocation);
  if (!req.ok()) return req.status();
  EditorProject out;
  out.request = std::move(*req);
  out.cache_dir = workspace::ResolveCacheDir(out.request.env);
  auto ws = workspace::Workspace::Open(out.request.project_root, out.request.env);
  if (!ws.ok()) return ws.status();
  out.workspace.emplace(std::move(*ws));
  return out;
}

absl::StatusOr<std::shared_ptr<const keys::KeyResult>> EditorKeys(
    const core::DaemonState& state, const EditorProject& project,
    std::vector<std::string> extra_roots) {
  std::sort(extra_roots.begin(), extra_roots.end());
  extra_roots.erase(std::unique(extra_roots.begin(), extra_roots.end()), extra_roots.end());
  return project::CachedKeyGraph(state, project.request, *project.workspace, extra_roots,
                                 keys::RootHashOptions());
}

}  // namespace leancache::editor
