// WatchMemo: a value is returned while its directories are unchanged; a change made after Begin
// (even during the caller's own check) makes it miss; Update keeps the watch.

#include "daemon/watch/watch_memo.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace leancache::watch {
namespace {

using leancache::testing::TempDir;
using leancache::testing::WriteFile;

struct Fixture {
  TempDir tmp;
  std::unique_ptr<DirWatchHub> hub = std::move(*DirWatchHub::Create());
  WatchMemo<int> memo{hub.get(), 2};
  Fixture() {
    WriteFile(tmp / "a/x", "1");
    WriteFile(tmp / "b/y", "1");
  }
  std::set<std::filesystem::path> Dirs() { return {tmp / "a", tmp / "b"}; }
};

TEST(WatchMemo, ValueIsReturnedWhileNothingChanged) {
  Fixture f;
  EXPECT_FALSE(f.memo.Current("k").has_value());
  auto ticket = f.memo.Begin("k", f.Dirs());
  ASSERT_TRUE(ticket.has_value());
  f.memo.Record(std::move(*ticket), 42);
  EXPECT_EQ(f.memo.Current("k"), 42);
  f.memo.Update("k", 43);
  EXPECT_EQ(f.memo.Current("k"), 43);
  f.memo.Update("unknown", 1);
  EXPECT_FALSE(f.memo.Current("unknown").has_value());
}

TEST(WatchMemo, AChangeDuringTheCheckMakesTheNextLookupMiss) {
  Fixture f;
  auto ticket = f.memo.Begin("k", f.Dirs());
  ASSERT_TRUE(ticket.has_value());
  WriteFile(f.tmp / "b/z", "new");  // the caller's check wrote something
  f.memo.Record(std::move(*ticket), 1);
  EXPECT_FALSE(f.memo.Current("k").has_value());
  EXPECT_FALSE(f.memo.Current("k").has_value()) << "the stale entry is forgotten";
}

TEST(WatchMemo, ADeletionInvalidatesAndForgetForgets) {
  Fixture f;
  auto t1 = f.memo.Begin("k", f.Dirs());
  ASSERT_TRUE(t1.has_value());
  f.memo.Record(std::move(*t1), 1);
  std::filesystem::remove(f.tmp / "a/x");
  EXPECT_FALSE(f.memo.Current("k").has_value());
  auto t2 = f.memo.Begin("k", f.Dirs());
  ASSERT_TRUE(t2.has_value());
  f.memo.Record(std::move(*t2), 2);
  f.memo.Forget("k");
  EXPECT_FALSE(f.memo.Current("k").has_value());
}

TEST(WatchMemo, AMissingDirectoryCannotBeVouchedFor) {
  Fixture f;
  EXPECT_FALSE(f.memo.Begin("k", {f.tmp / "absent"}).has_value());
}

TEST(WatchMemo, CapacityBoundsTheKeys) {
  Fixture f;
  for (const char* k : {"k1", "k2", "k3"}) {
    auto t = f.memo.Begin(k, f.Dirs());
    ASSERT_TRUE(t.has_value());
    f.memo.Record(std::move(*t), 7);
  }
  EXPECT_FALSE(f.memo.Current("k1").has_value());
  EXPECT_EQ(f.memo.Current("k3"), 7);
}

}  // namespace
}  // namespace leancache::watch
