#include "daemon/project/open_project.h"

#include <utility>

#include "common/workspace/cache_dir.h"

namespace leancache::project {

absl::StatusOr<OpenProject> OpenWorkspace(RequestEnv request) {
  OpenProject out;
  out.request = std::move(request);
  out.cache_dir = workspace::ResolveCacheDir(out.request.env);
  auto ws = workspace::Workspace::Open(out.request.project_root, out.request.env);
  if (!ws.ok()) return ws.status();
  out.workspace.emplace(std::move(*ws));
  return out;
}

absl::StatusOr<OpenProject> Open(const v1::Invocation& invocation) {
  auto request = ParseRequestEnv(invocation);
  if (!request.ok()) return request.status();
  return OpenWorkspace(std::move(*request));
}

}  // namespace leancache::project
