#pragma once
// A few threads that finish delivered downloads (fsync + close + completion callback) so the
// network thread never blocks on the disk: one fsync costs milliseconds, and hundreds of them in
// a row on the network thread would stall every other transfer.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace leancache::transfer {

class SyncWorkers {
 public:
  // Starts `threads` (>= 1) workers.
  explicit SyncWorkers(int threads);
  ~SyncWorkers();  // Drain()
  SyncWorkers(const SyncWorkers&) = delete;
  SyncWorkers& operator=(const SyncWorkers&) = delete;

  // Queues `task`; it runs on one of the workers. After Drain() the task runs on the caller.
  void Post(std::function<void()> task);

  // Runs every queued task, then stops and joins the workers. Idempotent.
  void Drain();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace leancache::transfer
