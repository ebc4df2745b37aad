// MemoSourceReader over a real index and the real FileSourceReader: hits, every kind of change
// that must miss, racy files, errors, threads and write batching.
#include "daemon/index/memo_source_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/keys/source_reader.h"
#include "tests/support/temp_dir.h"

namespace leancache::index {
namespace {

using leancache::testing::TempDir;
using leancache::testing::WriteFile;

// The real disk reader, counting how often it is asked (each call reads the file's bytes).
class CountingReader : public keys::SourceReader {
 public:
  absl::StatusOr<keys::SourceInfo> Read(const std::filesystem::path& file, std::string_view module) override {
    ++reads;
    return disk_.Read(file, module);
  }
  std::atomic<int> reads{0};

 private:
  keys::FileSourceReader disk_;
};

// Modifies the file while the inner reader reads it (after stat, before the second stat).
class ChangingReader : public keys::SourceReader {
 public:
  absl::StatusOr<keys::SourceInfo> Read(const std::filesystem::path& file, std::string_view module) override {
    absl::StatusOr<keys::SourceInfo> info = disk_.Read(file, module);
    std::string bytes = leancache::testing::ReadFile(file);
    WriteFile(file, bytes + "-- edited while being read\n");
    return info;
  }

 private:
  keys::FileSourceReader disk_;
};

bool SameInfo(const keys::SourceInfo& a, const keys::SourceInfo& b) {
  return a.content_hash == b.content_hash && a.imports == b.imports;
}

std::string Source(int n) {
  return absl::StrCat("import Mathlib.A", n, "\nimport Mathlib.B", n % 7, "\n\ndef x", n, " := ", n, "\n");
}

void SetTimes(const std::filesystem::path& path, int64_t mtime_sec) {
  timespec times[2] = {{mtime_sec, 0}, {mtime_sec, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

class MemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Index::Open(tmp_ / "index");
    ASSERT_TRUE(opened.ok()) << opened.status();
    index_ = *std::move(opened);
  }
  // Waits until files written so far are older than the racy window, so they can be memoised.
  void Age() { std::this_thread::sleep_for(MemoOptions().racy_window + std::chrono::milliseconds(50)); }
  std::filesystem::path Src(std::string_view name) { return tmp_ / "src" / name; }
  keys::SourceInfo Direct(const std::filesystem::path& file) {
    absl::StatusOr<keys::SourceInfo> info = keys::FileSourceReader().Read(file, "M");
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : keys::SourceInfo{};
  }

  TempDir tmp_;
  std::unique_ptr<Index> index_;
  CountingReader disk_;
};

TEST_F(MemoTest, SecondReadIsAHit) {
  WriteFile(Src("A.lean"), "import B\nimport C.D\n");
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  absl::StatusOr<keys::SourceInfo> first = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->imports, (std::vector<std::string>{"Init", "B", "C.D"}));
  absl::StatusOr<keys::SourceInfo> second = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(SameInfo(*first, *second));
  EXPECT_TRUE(SameInfo(*second, Direct(Src("A.lean"))));
  EXPECT_EQ(disk_.reads, 1);
  EXPECT_EQ(memo.counters().hits, 1u);
  EXPECT_EQ(memo.counters().misses, 1u);
  EXPECT_EQ(memo.counters().not_memoised, 0u);
}

TEST_F(MemoTest, MemoSurvivesReaderAndIndexRestart) {
  WriteFile(Src("A.lean"), "import B\n");
  Age();
  {
    MemoSourceReader memo(index_.get(), &disk_);
    ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  }  // destructor flushes
  index_.reset();
  auto reopened = Index::Open(tmp_ / "index");
  ASSERT_TRUE(reopened.ok());
  MemoSourceReader memo(reopened->get(), &disk_);
  absl::StatusOr<keys::SourceInfo> info = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(SameInfo(*info, Direct(Src("A.lean"))));
  EXPECT_EQ(disk_.reads, 1);
  EXPECT_EQ(memo.counters().hits, 1u);
}

TEST_F(MemoTest, TouchedMtimeMisses) {
  WriteFile(Src("A.lean"), "import B\n");
  SetTimes(Src("A.lean"), 1'600'000'000);
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  SetTimes(Src("A.lean"), 1'600'000'001);
  Age();
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  EXPECT_EQ(disk_.reads, 2);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());  // and the new stamp is remembered
  EXPECT_EQ(disk_.reads, 2);
}

TEST_F(MemoTest, SameSizeEditWithRestoredMtimeMisses) {
  WriteFile(Src("A.lean"), "import Bbb\n");
  SetTimes(Src("A.lean"), 1'600'000'000);
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  // Same size, same inode, mtime put back: only ctime tells.
  WriteFile(Src("A.lean"), "import Ccc\n");
  SetTimes(Src("A.lean"), 1'600'000'000);
  Age();
  absl::StatusOr<keys::SourceInfo> info = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->imports, (std::vector<std::string>{"Init", "Ccc"}));
  EXPECT_EQ(disk_.reads, 2);
}

TEST_F(MemoTest, ReplacedByRenameMisses) {
  WriteFile(Src("A.lean"), "import B\n");
  SetTimes(Src("A.lean"), 1'600'000'000);
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  // Same bytes, same times, new inode (editors save like this).
  WriteFile(Src("A.lean.new"), "import X\n");
  SetTimes(Src("A.lean.new"), 1'600'000'000);
  std::filesystem::rename(Src("A.lean.new"), Src("A.lean"));
  Age();
  absl::StatusOr<keys::SourceInfo> info = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->imports, (std::vector<std::string>{"Init", "X"}));
  EXPECT_EQ(disk_.reads, 2);
}

TEST_F(MemoTest, SymlinkFollowsItsTarget) {
  WriteFile(Src("t1.lean"), "import One\n");
  WriteFile(Src("t2.lean"), "import Two\n");
  std::filesystem::create_symlink(Src("t1.lean"), Src("A.lean"));
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  EXPECT_EQ(disk_.reads, 1);
  std::filesystem::remove(Src("A.lean"));
  std::filesystem::create_symlink(Src("t2.lean"), Src("A.lean"));
  absl::StatusOr<keys::SourceInfo> info = memo.Read(Src("A.lean"), "A");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->imports, (std::vector<std::string>{"Init", "Two"}));
  EXPECT_EQ(disk_.reads, 2);
}

TEST_F(MemoTest, RacyFilesAreNotMemoised) {
  MemoOptions options;
  options.racy_window = std::chrono::seconds(3600);  // everything is "just modified"
  WriteFile(Src("A.lean"), "import B\n");
  MemoSourceReader memo(index_.get(), &disk_, options);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  EXPECT_EQ(disk_.reads, 2);
  EXPECT_EQ(memo.counters().not_memoised, 2u);
  ASSERT_TRUE(memo.Flush().ok());
  EXPECT_EQ(index_->Stats()->files, 0u);

  // With the default window: a file whose times are "now" (here: in the future, so the test does
  // not depend on scheduling) is re-read every time; an older one is remembered.
  WriteFile(Src("B.lean"), "import C\n");
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  SetTimes(Src("B.lean"), now.tv_sec + 3600);
  MemoSourceReader fresh(index_.get(), &disk_);
  ASSERT_TRUE(fresh.Read(Src("B.lean"), "B").ok());
  ASSERT_TRUE(fresh.Read(Src("B.lean"), "B").ok());
  EXPECT_EQ(fresh.counters().not_memoised, 2u);
  SetTimes(Src("B.lean"), now.tv_sec - 3600);
  Age();
  ASSERT_TRUE(fresh.Read(Src("B.lean"), "B").ok());
  ASSERT_TRUE(fresh.Read(Src("B.lean"), "B").ok());
  EXPECT_EQ(fresh.counters().hits, 1u);
}

TEST_F(MemoTest, FileChangedWhileReadIsNotMemoised) {
  WriteFile(Src("A.lean"), "import B\n");
  Age();
  ChangingReader changing;
  MemoSourceReader memo(index_.get(), &changing);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  EXPECT_EQ(memo.counters().not_memoised, 1u);
  ASSERT_TRUE(memo.Flush().ok());
  EXPECT_EQ(index_->Stats()->files, 0u);
}

TEST_F(MemoTest, ErrorsPassThroughAndAreNotMemoised) {
  MemoSourceReader memo(index_.get(), &disk_);
  absl::StatusOr<keys::SourceInfo> missing = memo.Read(Src("Missing.lean"), "Missing");
  absl::StatusOr<keys::SourceInfo> direct = keys::FileSourceReader().Read(Src("Missing.lean"), "Missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status(), direct.status());

  WriteFile(Src("Bad.lean"), "import A\xff\n");
  Age();
  absl::StatusOr<keys::SourceInfo> bad = memo.Read(Src("Bad.lean"), "Bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status(), keys::FileSourceReader().Read(Src("Bad.lean"), "Bad").status());
  ASSERT_FALSE(memo.Read(Src("Bad.lean"), "Bad").ok());
  EXPECT_EQ(disk_.reads, 3);
  EXPECT_EQ(memo.counters().not_memoised, 3u);
  ASSERT_TRUE(memo.Flush().ok());
  EXPECT_EQ(index_->Stats()->files, 0u);
}

TEST_F(MemoTest, RelativePathsShareTheAbsoluteEntry) {
  WriteFile(Src("A.lean"), "import B\n");
  Age();
  MemoSourceReader memo(index_.get(), &disk_);
  ASSERT_TRUE(memo.Read(Src("A.lean"), "A").ok());
  std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(tmp_.path());
  absl::StatusOr<keys::SourceInfo> info = memo.Read("src/./A.lean", "A");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(disk_.reads, 1);
  ASSERT_TRUE(memo.Flush().ok());
  EXPECT_TRUE(index_->GetFile(Src("A.lean").string())->has_value());
}

TEST_F(MemoTest, UnchangedTreeIsRehashedWithoutReadingAnyFile) {
  constexpr int kFiles = 500;
  for (int i = 0; i < kFiles; ++i) WriteFile(Src(absl::StrCat("D", i % 10, "/F", i, ".lean")), Source(i));
  Age();
  std::vector<keys::SourceInfo> first;
  {
    MemoSourceReader memo(index_.get(), &disk_);
    for (int i = 0; i < kFiles; ++i) {
      auto info = memo.Read(Src(absl::StrCat("D", i % 10, "/F", i, ".lean")), "M");
      ASSERT_TRUE(info.ok());
      first.push_back(*info);
    }
    EXPECT_EQ(memo.counters().flushes, 0u);  // nothing written until Flush
    ASSERT_TRUE(memo.Flush().ok());
    EXPECT_EQ(memo.counters().flushes, 1u);  // 500 entries, one transaction
  }
  EXPECT_EQ(disk_.reads, kFiles);
  disk_.reads = 0;
  MemoSourceReader memo(index_.get(), &disk_);
  for (int i = 0; i < kFiles; ++i) {
    auto info = memo.Read(Src(absl::StrCat("D", i % 10, "/F", i, ".lean")), "M");
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(SameInfo(*info, first[i]));
  }
  EXPECT_EQ(disk_.reads, 0);
  EXPECT_EQ(memo.counters().hits, static_cast<uint64_t>(kFiles));
}

TEST_F(MemoTest, WritesAreBatched) {
  constexpr int kFiles = 1050;
  for (int i = 0; i < kFiles; ++i) WriteFile(Src(absl::StrCat("F", i, ".lean")), Source(i));
  Age();
  MemoOptions options;
  options.flush_every = 100;
  MemoSourceReader memo(index_.get(), &disk_, options);
  for (int i = 0; i < kFiles; ++i) ASSERT_TRUE(memo.Read(Src(absl::StrCat("F", i, ".lean")), "M").ok());
  EXPECT_EQ(memo.counters().flushes, 10u);
  EXPECT_EQ(index_->Stats()->files, 1000u);
  ASSERT_TRUE(memo.Flush().ok());
  EXPECT_EQ(memo.counters().flushes, 11u);
  EXPECT_EQ(index_->Stats()->files, static_cast<uint64_t>(kFiles));
  ASSERT_TRUE(memo.Flush().ok());  // nothing pending: no transaction
  EXPECT_EQ(memo.counters().flushes, 11u);
}

TEST_F(MemoTest, ManyThreadsSameAndDifferentFiles) {
  constexpr int kFiles = 300, kThreads = 8;
  std::vector<keys::SourceInfo> expected;
  for (int i = 0; i < kFiles; ++i) WriteFile(Src(absl::StrCat("F", i, ".lean")), Source(i));
  for (int i = 0; i < kFiles; ++i) expected.push_back(Direct(Src(absl::StrCat("F", i, ".lean"))));
  Age();
  MemoOptions options;
  options.flush_every = 64;  // flushes race with lookups and inserts
  auto run = [&](MemoSourceReader& memo) {
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<int> order(kFiles);
        for (int i = 0; i < kFiles; ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), std::mt19937(t));
        // Half the threads read everything (shared files), half only their own slice.
        for (int i : order) {
          if (t % 2 == 1 && i % (kThreads / 2) != t / 2) continue;
          auto info = memo.Read(Src(absl::StrCat("F", i, ".lean")), "M");
          if (!info.ok() || !SameInfo(*info, expected[i])) ++wrong;
        }
      });
    }
    for (auto& th : threads) th.join();
    return wrong.load();
  };
  {
    MemoSourceReader memo(index_.get(), &disk_, options);
    EXPECT_EQ(run(memo), 0);
    EXPECT_GE(disk_.reads, kFiles);
  }
  EXPECT_EQ(index_->Stats()->files, static_cast<uint64_t>(kFiles));
  disk_.reads = 0;
  MemoSourceReader memo(index_.get(), &disk_, options);
  EXPECT_EQ(run(memo), 0);
  EXPECT_EQ(disk_.reads, 0);
}

}  // namespace
}  // namespace leancache::index
