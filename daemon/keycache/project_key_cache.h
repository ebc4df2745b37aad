#pragma once
// The daemon's hot answer to "what are this project's keys?". The last key graphs computed are
// kept in memory together with the stat stamps of everything they were computed from; a
// request whose inputs are all unchanged gets the cached graph after nothing but stat calls
// (warm `hash` of Mathlib: ~8 400 stats, no reads, no hashing). Any change recomputes.
//
// Inputs recorded: every source file that was read (or found missing), the root-hash inputs,
// the project's lake-manifest.json, and the search-path directories (so a module that starts
// resolving to a new place is noticed). Results whose inputs were modified within the last
// second are not cached, because a second edit in the same timestamp tick would be invisible.
//
// With a watch hub, each entry also watches the directories of its inputs (inotify): while
// nothing changed in them since the last validation, a lookup costs no stat call at all (warm
// `hash` or `get` of Mathlib in well under a millisecond of key work). Any change, or a watch
// that cannot vouch for its directories, falls back to the stamps.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/keys/key_graph.h"
#include "common/workspace/workspace.h"
#include "daemon/watch/dir_watch_hub.h"

namespace leancache::keycache {

// What identifies one computation besides the files: project, search path, roots, options.
struct CacheKey {
  std::string project_root;
  std::string lean_src_path;
  std::vector<std::string> extra_roots;
  std::string options;  // rendered root-hash options
  bool operator==(const CacheKey&) const = default;
};

class ProjectKeyCache {
 public:
  // `watches` may be null (stamps only); it must outlive the cache.
  explicit ProjectKeyCache(size_t capacity = 8, watch::DirWatchHub* watches = nullptr)
      : capacity_(capacity), watches_(watches) {}

  // The cached graph for `key` if every recorded input still has its recorded stamp.
  std::shared_ptr<const keys::KeyResult> Lookup(const CacheKey& key);

  // Remembers `result`, computed for `key` in workspace `ws` (the inputs are stamped now).
  void Store(const CacheKey& key, const workspace::Workspace& ws,
             std::shared_ptr<const keys::KeyResult> result);

  struct Counters {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t watch_hits = 0;  // hits answered by the watch alone (no stat calls)
  };
  Counters counters() const;

 private:
  struct Stamp {
    std::string path;
    bool exists = false;
    uint64_t dev = 0, inode = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Entry {
    CacheKey key;
    std::vector<Stamp> inputs;
    std::shared_ptr<const keys::KeyResult> result;
    std::shared_ptr<watch::WatchSet> watch;               // null without a hub
    mutable std::atomic<uint64_t> validated_generation{0};  // watch generation of the last check
  };
  static Stamp TakeStamp(const std::string& path);

  const size_t capacity_;
  watch::DirWatchHub* const watches_;
  mutable std::mutex mu_;
  std::list<std::shared_ptr<const Entry>> entries_;  // most recently used first
  Counters counters_;
};

}  // namespace leancache::keycache
