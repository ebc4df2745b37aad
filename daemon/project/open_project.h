#pragma once
// The one way to open the project a request names: parse the forwarded settings (request_env.h),
// resolve CACHEDIR from the forwarded environment, and open the workspace (lake manifest and
// search path). Commands (through project_keys.h), the editor RPCs and eviction all start here.

#include <filesystem>
#include <optional>

#include "absl/status/statusor.h"
#include "common/workspace/workspace.h"
#include "daemon/project/request_env.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::project {

struct OpenProject {
  RequestEnv request;
  std::optional<workspace::Workspace> workspace;  // always set in an OpenProject that was returned
  std::filesystem::path cache_dir;                // CACHEDIR of this request (from request.env)
};

// Opens the workspace of an already parsed request. Errors: the workspace's own (broken
// lake-manifest.json, no Mathlib in the search path), unprefixed.
absl::StatusOr<OpenProject> OpenWorkspace(RequestEnv request);

// ParseRequestEnv, then OpenWorkspace. Errors: InvalidArgument/NotFound naming the project root,
// or the workspace's own error.
absl::StatusOr<OpenProject> Open(const v1::Invocation& invocation);

}  // namespace leancache::project
