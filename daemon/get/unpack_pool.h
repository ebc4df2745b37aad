#pragma once
// A small fixed pool of threads that unpack archives as soon as they arrive, so decompression
// overlaps with downloading (spec §6.4). Shared by every request of the daemon.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace leancache::get {

class UnpackPool {
 public:
  explicit UnpackPool(unsigned threads);
  ~UnpackPool();  // runs the queued tasks to completion, then joins
  UnpackPool(const UnpackPool&) = delete;
  UnpackPool& operator=(const UnpackPool&) = delete;

  // Queues a task; tasks run in FIFO order on the pool's threads.
  void Submit(std::function<void()> task);

 private:
  void Worker();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace leancache::get
