#pragma once
// Remembers that a project was completely current — every archive of its scope in CACHEDIR and
// every module unpacked from it — so the next plain `get`/`unpack` of the same scope can say so
// without checking 8 000 archives and traces again. The memo holds a watch (inotify) on
// CACHEDIR and on the directories of the project's traces and root-hash record, taken before
// the check that found everything current; the answer is reused only while nothing changed
// there and the key graph is the very same object the key cache returned (so no source
// changed either). Anything else, and every forced command, plans from scratch.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/keys/key_graph.h"
#include "daemon/watch/dir_watch_hub.h"
#include "daemon/watch/watch_memo.h"

namespace leancache::get {

class PlanMemo {
 public:
  // `watches` must outlive the memo.
  explicit PlanMemo(watch::DirWatchHub* watches, size_t capacity = 16) : memo_(watches, capacity) {}

  // A watch over the inputs of a plan, taken before the plan checks them.
  struct Ticket {
    watch::WatchMemo<std::shared_ptr<const keys::KeyResult>>::Ticket watch;
    std::shared_ptr<const keys::KeyResult> keys;
  };

  // True when `memo_key` was recorded current for exactly `keys` and nothing watched changed.
  bool Current(const std::string& memo_key, const std::shared_ptr<const keys::KeyResult>& keys);

  // Starts watching `files` (traces, root-hash record) and `dirs` (CACHEDIR) for a plan about to
  // be checked. nullopt when the watch cannot vouch for them (then nothing is remembered).
  std::optional<Ticket> Begin(std::string memo_key, std::shared_ptr<const keys::KeyResult> keys,
                              const std::vector<std::string>& files,
                              const std::vector<std::filesystem::path>& dirs);

  // The plan of `ticket` found everything current and the command succeeded.
  void Record(Ticket ticket);

  // Forgets `memo_key` (the job changed something, or failed).
  void Forget(const std::string& memo_key);

 private:
  watch::WatchMemo<std::shared_ptr<const keys::KeyResult>> memo_;
};

}  // namespace leancache::get
