#include "daemon/editor/prefetch_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace leancache::editor {
namespace {

using std::chrono::milliseconds;

void WaitUntil(const std::function<bool()>& cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!cond() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(cond());
}

TEST(PrefetchSchedulerTest, WaitersRunByPriorityThenArrival) {
  PrefetchScheduler s;
  auto first = s.Acquire(0, {});
  ASSERT_TRUE(first);
  std::mutex mu;
  std::vector<int> ran;
  std::vector<std::thread> threads;
  // Arrive in this order while `first` runs: low, high, mid, high2.
  std::vector<std::pair<int, int>> arrivals = {{1, 0}, {2, 9}, {3, 5}, {4, 9}};
  for (auto [id, priority] : arrivals) {
    threads.emplace_back([&, id = id, priority = priority] {
      auto turn = s.Acquire(priority, {});
      std::lock_guard<std::mutex> lock(mu);
      ran.push_back(id);
    });
    size_t expected = threads.size();
    WaitUntil([&] { return s.waiting() == expected; });
  }
  first = PrefetchScheduler::Turn();  // release
  for (auto& t : threads) t.join();
  EXPECT_EQ(ran, (std::vector<int>{2, 4, 3, 1}));
}

TEST(PrefetchSchedulerTest, OnlyOneRunsAtATime) {
  PrefetchScheduler s;
  std::atomic<int> running{0}, max_running{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto turn = s.Acquire(i % 3, {});
      int now = ++running;
      max_running = std::max(max_running.load(), now);
      std::this_thread::sleep_for(milliseconds(10));
      --running;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(max_running.load(), 1);
}

TEST(PrefetchSchedulerTest, AWaiterThatGivesUpLeavesTheQueue) {
  PrefetchScheduler s;
  auto first = s.Acquire(0, {});
  std::atomic<bool> give_up{false};
  size_t told_ahead = 99;
  std::thread waiter([&] {
    auto turn = s.Acquire(5, [&] { return give_up.load(); }, [&](size_t ahead) { told_ahead = ahead; },
                          milliseconds(5));
    EXPECT_FALSE(turn);
  });
  WaitUntil([&] { return s.waiting() == 1; });
  give_up = true;
  waiter.join();
  EXPECT_EQ(s.waiting(), 0u);
  EXPECT_EQ(told_ahead, 1u);
  first = PrefetchScheduler::Turn();
  EXPECT_TRUE(s.Acquire(0, {}));  // the slot is free again
}

}  // namespace
}  // namespace leancache::editor
