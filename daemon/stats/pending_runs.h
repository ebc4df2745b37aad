#pragma once
// PendingRuns: runs that have answered their client but not yet written their statistics.
// A command records its run after its final event so the client is not kept waiting for the
// index write; it takes a Hold before that event, and `stats` waits for the holds to end, so a
// `stats` issued right after a command always includes that command.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace leancache::stats {

class PendingRuns {
 public:
  // Held from before a command's final event until its record is written (destruction).
  // A default-constructed Hold holds nothing.
  class Hold {
   public:
    Hold() = default;
    explicit Hold(PendingRuns* owner) : owner_(owner) {}
    Hold(Hold&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Hold& operator=(Hold&& other) noexcept;
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() { Release(); }
    void Release();

   private:
    PendingRuns* owner_ = nullptr;
  };

  // A hold on `pending` if it is non-null, else an empty hold.
  static Hold Begin(PendingRuns* pending);

  // Waits until no hold is left or `timeout` passed. Returns whether none is left.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  int holds_ = 0;
};

}  // namespace leancache::stats
