#pragma once
// Watches a project's files with inotify: every directory under the given roots recursively
// (new directories are added as they appear), skipping `.git` and `.lake/packages` (the
// dependencies change through lake, which rewrites lake-manifest.json at the root, which is
// watched), plus individual extra directories non-recursively (e.g. CACHEDIR). A directory
// created (or moved in) under a recursive root is watched from then on, and the files already
// in it when its watch was added are reported in the same batch.
// Events: IN_MODIFY, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_MOVED_FROM/TO, IN_ATTRIB.
//
// Wait() blocks until something changed and then keeps collecting until the tree has been quiet
// for `quiet` (at most `max_delay` after the first event), so an editor's save — which is
// often a write, a rename and an attribute change — gives one batch. It returns at the latest
// after `poll` so the caller can check for cancellation.

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "common/fs/fd.h"

namespace leancache::editor {

class ProjectWatcher {
 public:
  struct Batch {
    std::set<std::filesystem::path> paths;  // files/dirs that changed (absolute)
    bool overflow = false;                  // the kernel queue overflowed: rescan everything
  };

  // Starts watching. `recursive_roots` must be existing directories; missing `flat_dirs` are
  // skipped. Errors: inotify cannot be initialised (ResourceExhausted names the limit), or a
  // root cannot be watched.
  static absl::StatusOr<ProjectWatcher> Start(const std::vector<std::filesystem::path>& recursive_roots,
                                              const std::vector<std::filesystem::path>& flat_dirs);

  // Waits up to `poll` for the first event, then debounces as described above. An empty batch
  // means nothing happened within `poll`.
  absl::StatusOr<Batch> Wait(std::chrono::milliseconds poll,
                             std::chrono::milliseconds quiet = std::chrono::milliseconds(30),
                             std::chrono::milliseconds max_delay = std::chrono::milliseconds(200));

  size_t watch_count() const { return dirs_.size(); }

 private:
  ProjectWatcher() = default;
  // Adds a watch on `dir` and, when `recursive`, on every directory below it.
  absl::Status AddTree(const std::filesystem::path& dir, bool recursive);
  absl::Status AddOne(const std::filesystem::path& dir, bool recursive);
  // Reads every pending event into `batch`. Returns false when nothing was pending.
  absl::StatusOr<bool> ReadEvents(Batch& batch);

  fs::Fd fd_;
  struct Dir {
    std::filesystem::path path;
    bool recursive = false;
  };
  std::unordered_map<int, Dir> dirs_;  // watch descriptor → directory
};

// True for directories ProjectWatcher never descends into (".git", ".lake/packages").
bool SkippedDirectory(const std::filesystem::path& dir);

}  // namespace leancache::editor
