// Resolution of output paths for unpacking, once per directory instead of once per file: the
// confinement checks of fs::ResolveConfinedPath (realpath of the base, lstat of every parent
// component, mkdir) cost ~15 system calls per call, and an archive's dozen outputs share two or
// three directories (as do neighbouring modules). Shared by the archives of one unpack run
// (thread-safe); only directories that exist are remembered.
//
// What the cache assumes: a directory that was checked (or created) inside its base during this
// run is not replaced by a symlink leading outside the base before the run ends. Archives never
// create symlinks, so only another process could do that — and it could equally do it between
// the per-file check and the open without the cache.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::ltar {

class OutputDirs {
 public:
  // The path to write entry `name` below `base` (the semantics and errors of
  // fs::ResolveConfinedPath). With `create`, missing directories are made and appended to
  // `created`. Without `create`, a path below a directory that does not exist yet is checked
  // syntactically only, as there. A path that exists as a directory is an error in both modes
  // except when `create` hits the cache (the rename then fails instead).
  absl::StatusOr<std::string> Resolve(const std::string& base, std::string_view name, bool create,
                                      std::vector<std::string>* created = nullptr);
  // Drops the cached directory of `name` (it vanished: a concurrent failed unpack removed it).
  void Forget(const std::string& base, std::string_view name);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::string> dirs_;  // base \0 relative dir -> resolved dir
};

}  // namespace leancache::ltar
