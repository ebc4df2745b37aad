// The project being hashed: its manifest, its Lean source search path, and module → file
// resolution (spec: mathlib-cache.md §2.4, §3).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/workspace/manifest.h"

namespace leancache::workspace {

// One search-path entry. `text` is the entry as Mathlib's tool sees it after relativising
// against the project root ("." for the root, ".lake/packages/batteries", or an absolute path);
// it is the prefix of the source paths Mathlib prints and packs. `dir` is the absolute,
// lexically normal directory.
struct SearchEntry {
  std::string text;
  std::filesystem::path dir;
};

// Where a module's source lives. `relative` is "c1/…/cn" built from the raw name components
// (no extension); `source` = package_dir/relative.lean (absolute); `package_dir` is the
// search-path entry's dir (the unpack target P of §4); `source_display` is
// "{search_entry}/{relative}.lean" as Lean's FilePath join prints it.
struct ResolvedModule {
  std::filesystem::path source;
  std::filesystem::path package_dir;
  std::string relative;
  std::string search_entry;
  std::string source_display;
};

class Workspace {
 public:
  // Opens the project at `project_root` (made absolute). `env` is the caller's environment.
  // Search path: if LEAN_SRC_PATH is set and non-empty, its ':'-separated entries, relativised
  // against realpath(project_root) (an entry equal to the root becomes ".", a prefix
  // root + "/" is stripped). Otherwise, like Lake: every manifest package dir (its srcDir taken
  // as "."), in reverse manifest order, then the root ".". The manifest is
  // project_root/lake-manifest.json; it is required unless LEAN_SRC_PATH is given, and a broken
  // one is always an error naming the file. `Mathlib` is resolved first to find
  // mathlib_dir() (D); failing that is an "unknown module prefix 'Mathlib'" error.
  static absl::StatusOr<Workspace> Open(const std::filesystem::path& project_root,
                                        const std::map<std::string, std::string>& env);

  // Builds a workspace from an explicit search path (entries as in LEAN_SRC_PATH), without a
  // manifest. Same Mathlib requirement as Open.
  static absl::StatusOr<Workspace> FromSearchPath(const std::filesystem::path& project_root,
                                                  const std::vector<std::string>& entries);

  const std::filesystem::path& root() const { return root_; }
  const std::filesystem::path& mathlib_dir() const { return mathlib_dir_; }
  const std::vector<SearchEntry>& search_path() const { return search_path_; }
  const Manifest& manifest() const { return manifest_; }

  // Index into search_path() of the first entry p where p/<root_component> is a directory or
  // p/<root_component>.lean exists; nullopt if none. Touches the filesystem on every call.
  std::optional<size_t> FindRootEntry(std::string_view root_component) const;

  // Resolves a canonical module name (see header/module_name.h). Errors: InvalidArgument for a
  // malformed name; NotFound "unknown module prefix '<Root>'\n\nNo directory '<Root>' or file
  // '<Root>.lean' in the search path entries:\n<entries>" when no entry has the root. The file
  // itself need not exist.
  absl::StatusOr<ResolvedModule> ResolveModule(std::string_view module) const;

  // Same, with the entry index already known (for callers that cache FindRootEntry per root).
  ResolvedModule ResolveInEntry(size_t entry, const std::vector<std::string>& raw_parts) const;

  // The error ResolveModule returns for an unknown root component.
  absl::Status UnknownPrefixError(std::string_view root_component) const;

 private:
  static absl::StatusOr<Workspace> Finish(Workspace ws);

  std::filesystem::path root_;
  std::filesystem::path mathlib_dir_;
  std::vector<SearchEntry> search_path_;
  Manifest manifest_;
};

}  // namespace leancache::workspace
