#include "daemon/project/request_env.h"

#include "absl/strings/str_cat.h"

namespace leancache::project {

absl::StatusOr<RequestEnv> ParseRequestEnv(const v1::Invocation& invocation) {
  RequestEnv out;
  out.project_root = invocation.project_root();
  if (out.project_root.empty() || !out.project_root.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("project root must be an absolute path, got '", invocation.project_root(), "'"));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(out.project_root, ec)) {
    return absl::NotFoundError(
        absl::StrCat("project directory does not exist: ", out.project_root.string()));
  }
  out.project_root = out.project_root.lexically_normal();
  if (out.project_root.has_filename() == false && out.project_root != "/") {
    out.project_root = out.project_root.parent_path();
  }
  out.client_cwd = invocation.client_cwd().empty() ? out.project_root
                                                    : std::filesystem::path(invocation.client_cwd());
  if (!out.client_cwd.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("client working directory must be absolute, got '", invocation.client_cwd(), "'"));
  }
  out.env.insert(invocation.env().begin(), invocation.env().end());
  out.options.insert(invocation.options().begin(), invocation.options().end());
  return out;
}

}  // namespace leancache::project
