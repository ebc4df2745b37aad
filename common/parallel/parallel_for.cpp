#include "common/parallel/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace leancache::parallel {

unsigned WorkerCount(unsigned requested, size_t n) {
  unsigned threads = requested != 0 ? requested : std::thread::hardware_concurrency();
  if (n < threads) threads = static_cast<unsigned>(n);
  return std::max(1u, threads);
}

bool ParallelFor(size_t n, unsigned threads, const std::function<bool(size_t)>& body) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (size_t i = next++; i < n && !stop.load(); i = next++) {
      if (!body(i)) stop = true;
    }
  };
  std::vector<std::thread> pool;
  const unsigned count = WorkerCount(threads, n);
  for (unsigned t = 1; t < count; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return !stop.load();
}

}  // namespace leancache::parallel
