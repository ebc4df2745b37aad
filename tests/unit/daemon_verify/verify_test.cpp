// `leancache verify`'s two checks over real components: a real index + BlobStore with archives
// damaged in each way the check must notice (and --repair must fix), and archives built by the
// ltar writer, unpacked by the ltar unpacker, then damaged on disk.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "common/ltar/writer.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/blob_store.h"
#include "daemon/verify/archive_decode.h"
#include "daemon/verify/artifact_check.h"
#include "daemon/verify/blob_check.h"
#include "daemon/verify/report.h"
#include "tests/support/temp_dir.h"

namespace leancache::verify {
namespace {

using leancache::testing::ReadFile;
using leancache::testing::TempDir;
using leancache::testing::WriteFile;

// A small real archive for module `name` (trace + .olean + .ilean), built by the ltar writer.
std::string ModuleArchive(const std::string& name, uint64_t dep_hash) {
  std::vector<ltar::PackSource> items;
  items.push_back({ltar::PackSource::Kind::kFile, 0, ".lake/build/lib/lean/" + name + ".olean",
                   "olean bytes of " + name + std::string(300, 'x')});
  items.push_back({ltar::PackSource::Kind::kFile, 0, ".lake/build/lib/lean/" + name + ".ilean",
                   "{\"ilean\":\"" + name + "\"}"});
  items.push_back({ltar::PackSource::Kind::kComment, 0, "git=mathlib4@0123", ""});
  auto built = ltar::BuildArchive(".lake/build/lib/lean/" + name + ".trace",
                                  "{\"depHash\":\"" + std::to_string(dep_hash) + "\"}", items);
  EXPECT_TRUE(built.ok()) << built.status();
  return built.ok() ? built->bytes : "";
}

// A pid that certainly belongs to no process: a child that has exited and been reaped.
int DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

class BlobCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = index::Index::Open(tmp_ / "index");
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
    auto store = store::BlobStore::Open(tmp_ / "cache", index_.get());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void Put(uint64_t key, const std::string& bytes) {
    auto temp = store_->TempPathFor(key);
    ASSERT_TRUE(temp.ok()) << temp.status();
    WriteFile(*temp, bytes);
    ASSERT_TRUE(store_->Adopt(*temp, key, "https://h/x").ok());
  }
  CacheDirReport Check(bool repair) {
    CheckOptions options;
    options.repair = repair;
    options.threads = 3;
    auto report = CheckCacheDir(*store_, options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : CacheDirReport();
  }

  TempDir tmp_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<store::BlobStore> store_;
};

TEST_F(BlobCheckTest, IntactCacheIsClean) {
  for (uint64_t k = 1; k <= 5; ++k) Put(k, ModuleArchive("M" + std::to_string(k), k));
  CacheDirReport r = Check(false);
  EXPECT_EQ(r.recorded, 5u);
  EXPECT_EQ(r.intact, 5u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.unresolved(), 0u);
  EXPECT_GT(r.bytes_checked, 0u);
}

TEST_F(BlobCheckTest, FindsEveryKindOfDamageAndRepairFixesIt) {
  for (uint64_t k = 1; k <= 4; ++k) Put(k, ModuleArchive("M" + std::to_string(k), k));
  // 1: a flipped byte (same size).
  std::string bytes = ReadFile(store_->Path(1));
  bytes[bytes.size() / 2] ^= 0x20;
  WriteFile(store_->Path(1), bytes);
  // 2: truncated.
  std::filesystem::resize_file(store_->Path(2), 20);
  // 3: deleted behind the index's back.
  std::filesystem::remove(store_->Path(3));
  // An empty archive nobody recorded, a valid unrecorded one, a live and an orphaned temp file.
  WriteFile(store_->Path(7), "");
  WriteFile(store_->Path(8), ModuleArchive("M8", 8));
  WriteFile(store_->dir() / (store::BlobFileName(9) + "." + std::to_string(getpid()) + ".0000abcd.part"), "x");
  auto orphan = store_->dir() / (store::BlobFileName(10) + "." + std::to_string(DeadPid()) + ".0000abcd.part");
  WriteFile(orphan, "partial");

  CacheDirReport r = Check(false);
  EXPECT_EQ(r.recorded, 4u);
  EXPECT_EQ(r.intact, 1u);
  ASSERT_EQ(r.problems.size(), 4u);
  std::map<std::string, std::string> kinds;
  for (const auto& p : r.problems) kinds[p.path.filename().string()] = BlobProblemKindName(p.kind);
  EXPECT_EQ(kinds[store::BlobFileName(1)], "corrupt");
  EXPECT_EQ(kinds[store::BlobFileName(2)], "corrupt");
  EXPECT_EQ(kinds[store::BlobFileName(3)], "missing");
  EXPECT_EQ(kinds[store::BlobFileName(7)], "unusable");
  for (const auto& p : r.problems) {
    if (p.path.filename() == store::BlobFileName(1)) {
      EXPECT_NE(p.reason.find("SHA-256"), std::string::npos) << p.reason;
    }
  }
  ASSERT_EQ(r.unrecorded.size(), 1u);
  EXPECT_EQ(r.unrecorded[0].filename(), store::BlobFileName(8));
  EXPECT_EQ(r.temp_live.size(), 1u);
  ASSERT_EQ(r.temp_orphaned.size(), 1u);
  EXPECT_EQ(r.temp_orphaned[0], orphan);
  EXPECT_EQ(r.unresolved(), 4u);
  // Nothing changed without --repair.
  EXPECT_TRUE(std::filesystem::exists(store_->Path(1)));
  EXPECT_TRUE(std::filesystem::exists(orphan));
  EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 8)->has_value());

  CacheDirReport repaired = Check(true);
  EXPECT_EQ(repaired.unresolved(), 0u);
  EXPECT_EQ(repaired.unrecorded_indexed, 1u);
  EXPECT_EQ(repaired.temp_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(store_->Path(1)));
  EXPECT_FALSE(std::filesystem::exists(store_->Path(2)));
  EXPECT_FALSE(std::filesystem::exists(store_->Path(7)));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 3)->has_value());

  CacheDirReport after = Check(false);
  EXPECT_TRUE(after.problems.empty());
  EXPECT_EQ(after.recorded, 2u);  // 4 and 8
  EXPECT_EQ(after.intact, 2u);
  EXPECT_TRUE(after.unrecorded.empty());
}

TEST_F(BlobCheckTest, CancelledStopsTheCheck) {
  for (uint64_t k = 1; k <= 3; ++k) Put(k, ModuleArchive("M" + std::to_string(k), k));
  CheckOptions options;
  options.cancelled = [] { return true; };
  auto r = CheckCacheDir(*store_, options);
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
}

TEST(OrphanedTempFile, NeedsADeadPidInTheName) {
  EXPECT_FALSE(IsOrphanedTempFile("00000000000000ff.ltar.part"));  // no pid: cannot tell
  EXPECT_FALSE(IsOrphanedTempFile("00000000000000ff.ltar." + std::to_string(getpid()) + ".12345678.part"));
  EXPECT_FALSE(IsOrphanedTempFile("00000000000000ff.ltar.1.12345678.part"));  // init is alive
  EXPECT_TRUE(IsOrphanedTempFile("00000000000000ff.ltar." + std::to_string(DeadPid()) + ".12345678.part"));
  EXPECT_TRUE(IsOrphanedTempFile("00000000000000ff.ltar." + std::to_string(DeadPid()) + ".part"));
  EXPECT_FALSE(IsOrphanedTempFile("00000000000000ff.ltar"));
}

class ArtifactCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(archive_path(), ModuleArchive("Mathlib/A", 42));
    auto unpacked = ltar::UnpackArchiveFile(archive_path().string(), {base().string()}, {});
    ASSERT_TRUE(unpacked.ok()) << unpacked.status();
  }
  std::filesystem::path base() const { return tmp_ / "proj"; }
  std::filesystem::path archive_path() const { return tmp_ / "a.ltar"; }
  std::filesystem::path olean() const { return base() / ".lake/build/lib/lean/Mathlib/A.olean"; }
  ArtifactReport Check(bool repair) {
    ArtifactCheckOptions options;
    options.repair = repair;
    auto r = CheckArtifacts({{"Mathlib.A", archive_path(), base()}}, options);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ArtifactReport();
  }
  TempDir tmp_;
};

TEST_F(ArtifactCheckTest, FreshUnpackMatches) {
  ArtifactReport r = Check(false);
  EXPECT_EQ(r.modules_checked, 1u);
  EXPECT_EQ(r.files_checked, 2u);
  EXPECT_TRUE(r.problems.empty());
}

TEST_F(ArtifactCheckTest, ChangedFileDiffers) {
  std::string bytes = ReadFile(olean());
  bytes[3] ^= 1;
  WriteFile(olean(), bytes);
  ArtifactReport r = Check(false);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ArtifactProblem::Kind::kDiffers);
  EXPECT_EQ(r.problems[0].path, olean());
  EXPECT_EQ(r.problems[0].module, "Mathlib.A");
  EXPECT_EQ(r.modules_with_problems, 1u);
}

TEST_F(ArtifactCheckTest, TruncatedAndMissingFiles) {
  std::filesystem::resize_file(olean(), 5);
  std::filesystem::remove(base() / ".lake/build/lib/lean/Mathlib/A.ilean");
  ArtifactReport r = Check(false);
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].kind, ArtifactProblem::Kind::kDiffers);
  EXPECT_NE(r.problems[0].reason.find("5 bytes"), std::string::npos) << r.problems[0].reason;
  EXPECT_EQ(r.problems[1].kind, ArtifactProblem::Kind::kMissing);
}

TEST_F(ArtifactCheckTest, RepairUnpacksAgain) {
  std::string original = ReadFile(olean());
  WriteFile(olean(), "garbage");
  ArtifactReport r = Check(true);
  EXPECT_EQ(r.modules_with_problems, 1u);
  EXPECT_EQ(r.modules_repaired, 1u);
  EXPECT_EQ(ReadFile(olean()), original);
  EXPECT_TRUE(Check(false).problems.empty());
}

TEST_F(ArtifactCheckTest, UnreadableArchiveIsReportedNotIgnored) {
  WriteFile(archive_path(), "not an archive");
  ArtifactReport r = Check(false);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ArtifactProblem::Kind::kUnchecked);
}

TEST_F(ArtifactCheckTest, UnresolvedCountsModulesAndArchives) {
  CacheDirReport cache;
  cache.problems.push_back({BlobProblem::Kind::kCorrupt, "x", "r", false});
  cache.problems.push_back({BlobProblem::Kind::kMissing, "y", "r", true});
  ArtifactReport artifacts;
  artifacts.modules_with_problems = 2;
  artifacts.modules_repaired = 1;
  EXPECT_EQ(UnresolvedProblems(cache, artifacts, false), 3u);
  EXPECT_EQ(UnresolvedProblems(cache, artifacts, true), 2u);
  EXPECT_EQ(UnresolvedProblems(cache, std::nullopt, true), 1u);
  auto doc = ReportJson(cache, ProjectScope{}, artifacts, true, 1);
  EXPECT_EQ(doc["unresolved"], 2);
  EXPECT_EQ(doc["corrupt_archives"], 1);
}

TEST(ArchiveDecodes, SoundArchiveDecodesDamagedDoesNot) {
  TempDir tmp;
  std::string bytes = ModuleArchive("Mathlib/B", 7);
  WriteFile(tmp / "ok.ltar", bytes);
  EXPECT_TRUE(ArchiveDecodes(tmp / "ok.ltar").ok());
  std::string damaged = bytes;
  damaged[0] = 'X';  // magic
  WriteFile(tmp / "bad.ltar", damaged);
  EXPECT_FALSE(ArchiveDecodes(tmp / "bad.ltar").ok());
  // Cut inside the data (past the header): the reader or the zstd decoder notices.
  for (size_t cut : {bytes.size() / 2, bytes.size() - 30}) {
    WriteFile(tmp / "cut.ltar", bytes.substr(0, cut));
    EXPECT_FALSE(ArchiveDecodes(tmp / "cut.ltar").ok()) << cut;
  }
  EXPECT_TRUE(absl::IsNotFound(ArchiveDecodes(tmp / "none.ltar")));
}

}  // namespace
}  // namespace leancache::verify
