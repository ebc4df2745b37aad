#pragma once
// Maps what an editor names — a .lean file (absolute, or relative to the client's working
// directory) or a module name — to the canonical module of the workspace that file is.

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "common/workspace/workspace.h"

namespace leancache::editor {

// The module `path_or_module` denotes in `ws`.
//  * Anything containing '/' or ending in ".lean" is a path: made absolute against `cwd`, it must
//    be an existing .lean file inside one of the search-path directories (the innermost one
//    wins), and resolving the resulting module name must lead back to the same file (a file
//    shadowed by an earlier search-path entry is not the module).
//  * Anything else is a module name; its file must exist.
// Errors (NotFound or InvalidArgument) carry a reason meant for the user, e.g.
// "/x/y.lean is not under any source directory of the project (., .lake/packages/batteries)".
absl::StatusOr<std::string> ModuleOfPath(const workspace::Workspace& ws, const std::string& path_or_module,
                                         const std::filesystem::path& cwd);

}  // namespace leancache::editor
