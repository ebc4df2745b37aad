#include "daemon/get/plan_memo.h"

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace leancache::get {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct Fixture {
  TempDir tmp;
  std::unique_ptr<watch::DirWatchHub> hub = std::move(*watch::DirWatchHub::Create());
  PlanMemo memo{hub.get()};
  std::shared_ptr<const keys::KeyResult> keys = std::make_shared<keys::KeyResult>();
  std::vector<std::string> traces;
  Fixture() {
    WriteFile(tmp / "cache/0000000000000001.ltar", "x");
    WriteFile(tmp / "proj/.lake/build/lib/lean/A.trace", "{}");
    WriteFile(tmp / "proj/.lake/build/lib/lean/Sub/B.trace", "{}");
    traces = {(tmp / "proj/.lake/build/lib/lean/A.trace").string(),
              (tmp / "proj/.lake/build/lib/lean/Sub/B.trace").string()};
  }
  void RecordCurrent() {
    auto ticket = memo.Begin("k", keys, traces, {tmp / "cache"});
    ASSERT_TRUE(ticket.has_value());
    memo.Record(std::move(*ticket));
  }
};

TEST(PlanMemo, UnknownKeyIsNotCurrent) {
  Fixture f;
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

TEST(PlanMemo, RecordedAndUnchangedIsCurrent) {
  Fixture f;
  f.RecordCurrent();
  EXPECT_TRUE(f.memo.Current("k", f.keys));
  EXPECT_TRUE(f.memo.Current("k", f.keys));
  EXPECT_FALSE(f.memo.Current("other", f.keys));
}

TEST(PlanMemo, AnotherKeyGraphIsNotCurrent) {
  Fixture f;
  f.RecordCurrent();
  auto other = std::make_shared<keys::KeyResult>();
  EXPECT_FALSE(f.memo.Current("k", other));
  EXPECT_FALSE(f.memo.Current("k", f.keys));  // and the entry is gone
}

TEST(PlanMemo, ATraceWriteInvalidates) {
  Fixture f;
  f.RecordCurrent();
  WriteFile(f.tmp / "proj/.lake/build/lib/lean/Sub/B.trace", "{\"depHash\":\"0\"}");
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

TEST(PlanMemo, AnArchiveDeletedFromCacheDirInvalidates) {
  Fixture f;
  f.RecordCurrent();
  std::filesystem::remove(f.tmp / "cache/0000000000000001.ltar");
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

TEST(PlanMemo, DeletingTheBuildDirectoryInvalidates) {
  Fixture f;
  f.RecordCurrent();
  std::filesystem::remove_all(f.tmp / "proj/.lake/build");
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

TEST(PlanMemo, AChangeBetweenBeginAndRecordIsNotLost) {
  Fixture f;
  auto ticket = f.memo.Begin("k", f.keys, f.traces, {f.tmp / "cache"});
  ASSERT_TRUE(ticket.has_value());
  WriteFile(f.tmp / "proj/.lake/build/lib/lean/A.trace", "changed while the plan was checked");
  f.memo.Record(std::move(*ticket));
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

TEST(PlanMemo, ForgetDropsTheEntry) {
  Fixture f;
  f.RecordCurrent();
  f.memo.Forget("k");
  EXPECT_FALSE(f.memo.Current("k", f.keys));
}

}  // namespace
}  // namespace leancache::get
