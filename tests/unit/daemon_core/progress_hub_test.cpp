#include "daemon/core/progress_hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace leancache::core {
namespace {

using std::chrono::milliseconds;

v1::Progress P(uint64_t done) {
  v1::Progress p;
  p.set_phase("download");
  p.set_files_done(done);
  return p;
}

TEST(ProgressHubTest, DeliversOnlyToSubscribersOfTheProject) {
  ProgressHub hub;
  auto a = hub.Subscribe("/p/a");
  auto b = hub.Subscribe("/p/b");
  hub.Publish("/p/a", P(1));
  auto got = a->Next(milliseconds(100));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->files_done(), 1u);
  EXPECT_FALSE(b->Next(milliseconds(20)).has_value());
  EXPECT_EQ(hub.subscribers(), 2u);
  b.reset();
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST(ProgressHubTest, WakesAWaitingSubscriber) {
  ProgressHub hub;
  auto a = hub.Subscribe("/p");
  std::thread publisher([&hub] {
    std::this_thread::sleep_for(milliseconds(50));
    hub.Publish("/p", P(7));
  });
  auto start = std::chrono::steady_clock::now();
  auto got = a->Next(milliseconds(5000));
  publisher.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->files_done(), 7u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST(ProgressHubTest, FullQueueDropsTheOldest) {
  ProgressHub hub;
  auto a = hub.Subscribe("/p");
  for (uint64_t i = 0; i < ProgressHub::kQueueLimit + 5; ++i) hub.Publish("/p", P(i));
  auto all = a->Drain();
  ASSERT_EQ(all.size(), ProgressHub::kQueueLimit);
  EXPECT_EQ(all.front().files_done(), 5u);
  EXPECT_EQ(all.back().files_done(), ProgressHub::kQueueLimit + 4);
  EXPECT_EQ(a->dropped(), 5u);
}

TEST(ProgressHubTest, CloseEndsWaitsAtOnce) {
  ProgressHub hub;
  auto a = hub.Subscribe("/p");
  std::thread closer([&hub] {
    std::this_thread::sleep_for(milliseconds(50));
    hub.Close();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(a->Next(milliseconds(10000)).has_value());
  closer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_TRUE(a->closed());
  hub.Publish("/p", P(1));  // ignored after Close
  EXPECT_TRUE(a->Drain().empty());
}

}  // namespace
}  // namespace leancache::core
