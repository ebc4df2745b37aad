#pragma once
// Change detection for sets of directories with one inotify instance per daemon.
//
// A WatchSet covers a fixed set of directories (non-recursively: their entries, not their
// subtrees). Its generation grows whenever anything in one of them is created, written,
// renamed, deleted or has its attributes changed, and when the kernel's queue overflowed.
// Generation() drains the inotify queue first, so a change whose system call returned before
// the call is always counted: "same generation as when I checked" means "nothing in these
// directories changed since then". A set that can no longer vouch for its directories (one was
// deleted or moved, a watch could not be added, a directory lives on a network or FUSE file
// system where inotify misses remote writes) is not `trusted()`; callers then fall back to
// checking the files themselves.
//
// Thread-safe. Watches are shared between sets and removed when the last set using them goes.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::watch {

class DirWatchHub;

class WatchSet {
 public:
  ~WatchSet();
  WatchSet(const WatchSet&) = delete;
  WatchSet& operator=(const WatchSet&) = delete;

  // The number of changes seen so far (after draining pending events).
  uint64_t Generation();
  // False once the set cannot detect every change (see the header comment).
  bool trusted();
  // Both at once (one drain): the generation, or nullopt when the set is not trusted.
  std::optional<uint64_t> TrustedGeneration();
  size_t size() const { return wds_.size(); }

 private:
  friend class DirWatchHub;
  explicit WatchSet(DirWatchHub* hub) : hub_(hub) {}

  DirWatchHub* hub_;
  std::vector<int> wds_;
  // Guarded by the hub's mutex.
  uint64_t generation_ = 0;
  bool trusted_ = true;
};

class DirWatchHub {
 public:
  // Opens the inotify instance (non-blocking, close-on-exec).
  static absl::StatusOr<std::unique_ptr<DirWatchHub>> Create();
  ~DirWatchHub();
  DirWatchHub(const DirWatchHub&) = delete;
  DirWatchHub& operator=(const DirWatchHub&) = delete;

  // A set watching `dirs` (duplicates are fine). Directories that do not exist, cannot be
  // watched, or are on a file system without reliable local notifications make the set
  // untrusted rather than failing: the caller still gets a set and checks trusted().
  std::shared_ptr<WatchSet> Watch(const std::set<std::filesystem::path>& dirs);

  // Directories worth watching to notice any change to `files`: the parent directory of each
  // (or its nearest existing ancestor when the parent is missing, so creating it is seen), and
  // for a symbolic link also the directory of its target.
  static std::set<std::filesystem::path> DirsCovering(const std::vector<std::string>& files);

  // Number of directories currently watched (for status and tests).
  size_t watched_dirs();

 private:
  friend class WatchSet;
  explicit DirWatchHub(int fd) : fd_(fd) {}
  void DrainLocked();
  void Release(WatchSet* set);

  int fd_;
  std::mutex mu_;
  std::map<int, std::set<WatchSet*>> sets_by_wd_;
  std::set<WatchSet*> all_sets_;
};

}  // namespace leancache::watch
