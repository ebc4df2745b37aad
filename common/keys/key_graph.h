// The key graph: the cache key of every module reachable from the roots
// (spec: mathlib-cache.md §2.1–§2.5).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/keys/root_hash.h"
#include "common/keys/source_reader.h"
#include "common/workspace/workspace.h"

namespace leancache::keys {

// One hashed module. `imports` are its imports after the package filter, in source order,
// duplicates kept (canonical names); the other fields come from workspace::ResolvedModule.
struct ModuleEntry {
  uint64_t key = 0;
  std::filesystem::path source;
  std::filesystem::path package_dir;
  std::string relative;
  std::string search_entry;
  std::string source_display;
  std::vector<std::string> imports;
};

struct KeyResult {
  uint64_t root_hash = 0;
  uint64_t generation = 0;
  std::string era;
  // Every module that has a key and is reachable from a root, by canonical name.
  std::map<std::string, ModuleEntry> modules;
  // What Mathlib prints on stdout while hashing, in order:
  // "Warning: {source_display} not found. Skipping all files that depend on it."
  std::vector<std::string> stdout_lines;
  // "Mathlib" first, then the extra roots (canonical, without duplicates).
  std::vector<std::string> roots;
  // Reachable modules without a key (missing file, or depending on one), sorted.
  std::vector<std::string> unhashed;
};

// Computes the root hash and the key of every module reachable from `Mathlib` and
// `extra_roots` (module names, e.g. from ResolveModuleArgs; brought to canonical form, an
// unparsable one is InvalidArgument). Each module is read once
// through `reader` (memoised per module); imports are filtered with IsPartOfMathlibCache except
// that roots themselves are hashed whatever their package. A missing source file gives the
// warning line and no key to it and everything that imports it.
// Errors abort the whole computation, as in Mathlib: a root-hash error, an unreadable or
// non-UTF-8 file, a header parse error ("{mod}:{line}:{col}: {msg}"), an unknown module prefix,
// or FailedPrecondition "dependency loop found involving {mod}!".
// The traversal is a recursive DFS (depth = longest import chain, a few hundred for Mathlib).
// Not internally parallel: reading files concurrently is the caller's business (e.g. a reader
// that serves prefetched files).
absl::StatusOr<KeyResult> ComputeKeys(const workspace::Workspace& ws,
                                      absl::Span<const std::string> extra_roots,
                                      SourceReader& reader, const RootHashOptions& options);

// The entries of `result` reachable from `roots` through hashed modules, sorted by module name,
// pointing into `result.modules` (no copies: a warm `get Mathlib Archive` walks 8 431 modules).
// Roots without a key are ignored.
std::vector<const std::pair<const std::string, ModuleEntry>*> ClosureEntries(
    const KeyResult& result, absl::Span<const std::string> roots);

// The modules of `result` reachable from `roots` through hashed modules (for `hash ARGS`,
// `lookup`, `get ARGS`), copied. Roots without a key are ignored.
std::map<std::string, ModuleEntry> ClosureOf(const KeyResult& result,
                                             absl::Span<const std::string> roots);

}  // namespace leancache::keys
