// Module arguments of get/get!/get-/lookup and the roots of pack/unpack/clean/put/stage
// (spec: mathlib-cache.md §9.1).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/workspace/workspace.h"

namespace leancache::workspace {

// Turns command-line arguments into canonical module names, in argument order, without
// duplicates. Each argument is one of:
//  * a path (more than one '/'-separated component, or ending in ".lean"), relative to `cwd`:
//    a .lean file gives its module; a directory is walked recursively for *.lean (sorted by module name), after
//    appending "Searching directory {arg} for .lean files" to `messages`. Module names come from
//    the path relative to the search-path entry that contains it (else relative to cwd).
//  * a module name `A.B.C`, or a glob `A.B.+` (all modules under folder A/B/) or `A.B.*` (the
//    module plus all under the folder), matched against the files of the search path.
// Errors (InvalidArgument), with the message printed verbatim by the tool:
//   "Invalid argument: option must come before command {arg}"   (arg starts with '-')
//   "Invalid argument: non-existing path {arg}"
//   "Invalid argument: expected path or module name, not {arg}"  (unparsable)
//   "Invalid argument: {arg}"                                    (glob matching nothing)
//   "Invalid argument: paths under .lake are not supported: {arg}"
// `messages` may be null.
absl::StatusOr<std::vector<std::string>> ResolveModuleArgs(const Workspace& ws,
                                                           absl::Span<const std::string> args,
                                                           const std::filesystem::path& cwd,
                                                           std::vector<std::string>* messages);

}  // namespace leancache::workspace
