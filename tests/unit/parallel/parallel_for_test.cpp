// The one parallel loop: every index exactly once, early stop, thread counts.
#include "common/parallel/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace leancache::parallel {
namespace {

TEST(ParallelFor, EveryIndexExactlyOnce) {
  std::vector<std::atomic<int>> seen(1000);
  EXPECT_TRUE(ParallelFor(seen.size(), 4, [&](size_t i) {
    seen[i]++;
    return true;
  }));
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].load(), 1) << i;
}

TEST(ParallelFor, UsesSeveralThreadsIncludingTheCaller) {
  // Four items on four threads, each call waiting until all four run at once: only four distinct
  // threads (the caller and three more) can get there. A loop with fewer threads times out.
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> running{0};
  std::atomic<bool> all_met{true};
  ParallelFor(4, 4, [&](size_t) {
    running++;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (running.load() < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    if (running.load() < 4) all_met = false;
    std::lock_guard<std::mutex> lock(mu);
    ids.insert(std::this_thread::get_id());
    return true;
  });
  EXPECT_TRUE(all_met.load());
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_TRUE(ids.count(std::this_thread::get_id()));
}

TEST(ParallelFor, FalseStopsHandingOutIndexes) {
  std::atomic<size_t> calls{0};
  EXPECT_FALSE(ParallelFor(100000, 2, [&](size_t i) {
    calls++;
    return i != 10;
  }));
  EXPECT_LT(calls.load(), 1000u);  // at most the calls already handed out when index 10 ran
}

TEST(ParallelFor, NothingToDo) {
  bool called = false;
  EXPECT_TRUE(ParallelFor(0, 8, [&](size_t) { return called = true; }));
  EXPECT_FALSE(called);
}

TEST(ParallelFor, WorkerCount) {
  EXPECT_EQ(WorkerCount(4, 100), 4u);
  EXPECT_EQ(WorkerCount(4, 2), 2u);
  EXPECT_EQ(WorkerCount(4, 0), 1u);
  EXPECT_EQ(WorkerCount(1, 100), 1u);
  EXPECT_GE(WorkerCount(0, 100), 1u);  // one per core
  EXPECT_LE(WorkerCount(0, 100), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace leancache::parallel
