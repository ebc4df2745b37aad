#pragma once
// "This answer is still right while nothing in these directories changed": a small map from a
// key to a remembered value, each guarded by an inotify watch (dir_watch.h). Begin() takes the
// watch BEFORE the caller checks the directories, so a change made during the check is seen;
// Record() keeps the value with the generation seen at Begin(), so anything the caller itself
// wrote while checking makes the next Current() miss (the next check then finds it current and
// records it). Used for "this project's get had nothing to do" answers (get::PlanMemo, the Lake
// get). Thread-safe; at most `capacity` keys (all are dropped when a new one would exceed it).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "daemon/watch/dir_watch_hub.h"

namespace leancache::watch {

template <typename Value>
class WatchMemo {
 public:
  // A watch over the directories of one check, taken before the check.
  struct Ticket {
    std::string key;
    std::shared_ptr<WatchSet> watch;
    uint64_t generation = 0;
  };

  // `hub` must outlive the memo.
  explicit WatchMemo(DirWatchHub* hub, size_t capacity = 16) : hub_(hub), capacity_(capacity) {}

  // The value recorded for `key` when nothing watched changed since its Begin(); else nullopt
  // (and the key is forgotten).
  std::optional<Value> Current(const std::string& key) {
    Entry entry;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(key);
      if (it == entries_.end()) return std::nullopt;
      entry = it->second;
    }
    auto now = entry.ticket.watch->TrustedGeneration();
    if (now && *now == entry.ticket.generation) return entry.value;
    Forget(key);
    return std::nullopt;
  }

  // Starts watching `dirs` for a check about to run. nullopt when the watch cannot vouch for
  // them (a directory is missing, on a network file system, ...): then nothing is remembered.
  std::optional<Ticket> Begin(std::string key, const std::set<std::filesystem::path>& dirs) {
    Ticket ticket;
    ticket.key = std::move(key);
    ticket.watch = hub_->Watch(dirs);
    auto generation = ticket.watch->TrustedGeneration();
    if (!generation) return std::nullopt;
    ticket.generation = *generation;
    return ticket;
  }

  // The check of `ticket` found everything current: remember `value` for its key.
  void Record(Ticket ticket, Value value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_ && !entries_.count(ticket.key)) entries_.clear();
    std::string key = ticket.key;
    entries_[key] = Entry{std::move(ticket), std::move(value)};
  }

  // Replaces the value of a remembered key, keeping its watch (no-op for an unknown key).
  void Update(const std::string& key, Value value) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) it->second.value = std::move(value);
  }

  // Forgets `key` (the caller changed something, or failed).
  void Forget(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(key);
  }

 private:
  struct Entry {
    Ticket ticket;
    Value value;
  };
  DirWatchHub* const hub_;
  const size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace leancache::watch
