#include "daemon/editor/project_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

namespace leancache::editor {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class ProjectWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("lc-watch-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "Mathlib");
    fs::create_directories(root_ / ".git");
    fs::create_directories(root_ / ".lake/packages/batteries");
    fs::create_directories(root_ / ".lake/build/lib");
    Write(root_ / "Mathlib/A.lean", "import Mathlib.B\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  // Waits (up to 3 s) until a batch mentions `path`.
  static bool Sees(ProjectWatcher& w, const fs::path& path) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
      auto batch = w.Wait(milliseconds(100));
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (batch.ok() && batch->paths.count(path)) return true;
    }
    return false;
  }

  fs::path root_;
};

TEST_F(ProjectWatcherTest, SeesAnEditQuickly) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok()) << w.status();
  auto start = std::chrono::steady_clock::now();
  Write(root_ / "Mathlib/A.lean", "import Mathlib.C\n");
  ASSERT_TRUE(Sees(*w, root_ / "Mathlib/A.lean"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

TEST_F(ProjectWatcherTest, NothingHappensMeansAnEmptyBatchAfterThePollTime) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok());
  auto batch = w->Wait(milliseconds(50));
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->paths.empty());
}

TEST_F(ProjectWatcherTest, FollowsNewDirectories) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok());
  fs::create_directories(root_ / "Mathlib/New");
  ASSERT_TRUE(Sees(*w, root_ / "Mathlib/New"));
  Write(root_ / "Mathlib/New/X.lean", "");
  EXPECT_TRUE(Sees(*w, root_ / "Mathlib/New/X.lean"));
}

TEST_F(ProjectWatcherTest, ReportsFilesCreatedInANewDirectoryBeforeItsWatch) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok());
  // Both happen before the watcher reads the directory's creation event.
  fs::create_directories(root_ / "Mathlib/Fresh/Deeper");
  Write(root_ / "Mathlib/Fresh/Deeper/Y.lean", "");
  EXPECT_TRUE(Sees(*w, root_ / "Mathlib/Fresh/Deeper/Y.lean"));
}

TEST_F(ProjectWatcherTest, WatchesBuildOutputsButNotGitOrPackages) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok());
  Write(root_ / ".git/index", "x");
  Write(root_ / ".lake/packages/batteries/B.lean", "x");
  auto batch = w->Wait(milliseconds(200));
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->paths.empty()) << batch->paths.begin()->string();
  Write(root_ / ".lake/build/lib/A.olean", "x");
  EXPECT_TRUE(Sees(*w, root_ / ".lake/build/lib/A.olean"));
}

TEST_F(ProjectWatcherTest, FlatDirectoriesSeeTheirOwnFiles) {
  fs::path cache = root_.string() + "-cache";
  fs::create_directories(cache);
  auto w = ProjectWatcher::Start({root_}, {cache, root_ / "does-not-exist"});
  ASSERT_TRUE(w.ok()) << w.status();
  Write(cache / "0123456789abcdef.ltar", "x");
  EXPECT_TRUE(Sees(*w, cache / "0123456789abcdef.ltar"));
  fs::remove_all(cache);
}

TEST_F(ProjectWatcherTest, DebouncesASaveIntoOneBatch) {
  auto w = ProjectWatcher::Start({root_}, {});
  ASSERT_TRUE(w.ok());
  // An editor's atomic save: write a temp file, rename it over the original.
  Write(root_ / "Mathlib/.A.lean.tmp", "import Mathlib.D\n");
  fs::rename(root_ / "Mathlib/.A.lean.tmp", root_ / "Mathlib/A.lean");
  auto batch = w->Wait(milliseconds(1000));
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->paths.count(root_ / "Mathlib/A.lean"));
  EXPECT_TRUE(batch->paths.count(root_ / "Mathlib/.A.lean.tmp"));
}

TEST(SkippedDirectoryTest, GitAndLakePackages) {
  EXPECT_TRUE(SkippedDirectory("/p/.git"));
  EXPECT_TRUE(SkippedDirectory("/p/.lake/packages"));
  EXPECT_FALSE(SkippedDirectory("/p/.lake/build"));
  EXPECT_FALSE(SkippedDirectory("/p/packages"));
}

}  // namespace
}  // namespace leancache::editor
