#pragma once
// Counts requests in flight and remembers when the daemon was last used, for --idle-timeout
// and the Status RPC.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace leancache::core {

class ActivityTracker {
 public:
  using Clock = std::chrono::steady_clock;

  ActivityTracker();

  // RAII marker for one request in flight.
  class Scope {
   public:
    explicit Scope(ActivityTracker* tracker);
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope();

   private:
    ActivityTracker* tracker_;
  };

  // Records activity that is not a request (e.g. a new connection).
  void Touch();
  // True when no request is in flight and the last activity is at least `timeout` ago.
  bool IdleFor(std::chrono::seconds timeout) const;

  uint64_t active() const { return active_.load(); }
  uint64_t served() const { return served_.load(); }
  double uptime_seconds() const;

 private:
  const Clock::time_point start_;
  std::atomic<uint64_t> active_{0};
  std::atomic<uint64_t> served_{0};
  mutable std::mutex mu_;
  Clock::time_point last_activity_;
};

}  // namespace leancache::core
