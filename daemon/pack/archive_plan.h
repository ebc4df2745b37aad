#pragma once
// Which files go into one module's archive, in which order (spec mathlib-cache.md §6.2).
//
// For module M with package dir P and relative path R the candidates are, in this order
// (✱ = required): ✱ lib/R.trace (first: it becomes the header), ✱ R.olean, R.olean.server,
// R.olean.private (consecutive: one LGZ module unit), ✱ R.olean.hash, R.olean.server.hash,
// R.olean.private.hash, ✱ R.ilean, ✱ R.ilean.hash, R.ir, R.ir.hash, ✱ ir/R.c, ✱ ir/R.c.hash,
// R.extra — where lib = P/.lake/build/lib/lean and ir = P/.lake/build/ir.
//
// Stored names are the strings Mathlib builds ("{prefix}/.lake/build/lib/lean/R.olean"), relative
// to the directory the archive unpacks into (get's rule, get/unpack_plan.h UnpackBase): modules of
// the Mathlib package unpack into D, so their prefix is "." (as when packing in the mathlib repo);
// other packages unpack into the project root, so their prefix is the search-path text of P
// (".lake/packages/<pkg>"), or P relative to the project root.

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"

namespace leancache::pack {

struct ArchivePlan {
  std::filesystem::path base;          // directory the names are relative to (D or project root)
  std::string trace;                   // stored name of the trace (header)
  std::vector<std::string> files;      // stored names of the other existing files, in order
};

// Plans the archive of `entry`. `project_root` and `mathlib_dir` are the workspace's root and D.
// Errors: NotFound "<path> not found" when a required file is missing (the module is then not
// packed, silently, as the original); InvalidArgument when P lies outside the project root and
// is not the Mathlib dir (no relative name can be stored).
absl::StatusOr<ArchivePlan> PlanModuleArchive(const keys::ModuleEntry& entry,
                                              const std::filesystem::path& project_root,
                                              const std::filesystem::path& mathlib_dir);

}  // namespace leancache::pack
