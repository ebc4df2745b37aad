#pragma once
// Decides which of several concurrent prefetches runs: one prefetch downloads at a time (the
// network is the bottleneck, and one closure finishing early beats several finishing late), and
// when the running one ends the waiting one with the highest priority goes next (ties: the one
// that asked first). A waiter that gives up (its client cancelled) leaves the queue.
// Thread-safe; one instance per daemon.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>

namespace leancache::editor {

class PrefetchScheduler {
 public:
  // Holding a Turn means the prefetch may run; destroying it lets the next one go.
  class Turn {
   public:
    Turn() = default;
    Turn(Turn&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Turn& operator=(Turn&& other) noexcept;  // releases this turn first
    ~Turn();
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class PrefetchScheduler;
    explicit Turn(PrefetchScheduler* owner) : owner_(owner) {}
    PrefetchScheduler* owner_ = nullptr;
  };

  // Waits for this prefetch's turn. `give_up` is polled every `poll`; when it returns true the
  // wait ends with an empty Turn. `on_wait(n)` (may be empty) is called once if the caller has
  // to wait, with the number of prefetches ahead (running or higher priority).
  Turn Acquire(int priority, const std::function<bool()>& give_up,
               const std::function<void(size_t ahead)>& on_wait = {},
               std::chrono::milliseconds poll = std::chrono::milliseconds(50));

  // Prefetches currently waiting (for tests).
  size_t waiting() const;

 private:
  struct Waiter {
    int priority;
    uint64_t seq;
  };
  void Release();
  // True when `w` is the best waiter (highest priority, then lowest seq).
  bool IsNext(const Waiter& w) const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false;
  uint64_t next_seq_ = 0;
  std::list<Waiter> waiters_;
};

}  // namespace leancache::editor
