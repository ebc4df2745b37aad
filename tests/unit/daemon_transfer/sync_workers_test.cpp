#include "daemon/transfer/sync_workers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace leancache::transfer {
namespace {

TEST(SyncWorkers, RunsEveryTaskOnWorkerThreadsAndDrainsBeforeStopping) {
  std::atomic<int> ran{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    SyncWorkers workers(3);
    for (int i = 0; i < 200; ++i) {
      workers.Post([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
        ++ran;
      });
    }
    workers.Drain();
    EXPECT_EQ(ran.load(), 200) << "Drain runs everything queued";
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
    EXPECT_LE(threads.size(), 3u);

    std::thread::id where;
    workers.Post([&] { where = std::this_thread::get_id(); });
    EXPECT_EQ(where, std::this_thread::get_id()) << "after Drain, tasks run on the caller";
  }
}

}  // namespace
}  // namespace leancache::transfer
