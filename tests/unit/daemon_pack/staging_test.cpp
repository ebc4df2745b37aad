// stage/unstage copies and the commit manifest text.
#include <gtest/gtest.h>

#include <fstream>

#include "common/hash/lean_hash.h"
#include "common/ltar/writer.h"
#include "common/workspace/read_file.h"
#include "daemon/index/index.h"
#include "daemon/pack/commit_manifest.h"
#include "daemon/pack/staging.h"
#include "daemon/store/blob_store.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::pack {
namespace {

namespace fs = std::filesystem;
using leancache::testing::TempTree;

// Writes a small valid archive at `out` whose single file holds `content`.
void WriteArchive(const TempTree& t, const fs::path& out, const std::string& content) {
  t.Write("src/M.trace", "{\"depHash\":\"12\"}");
  t.Write("src/M.olean.hash", content);
  auto built = ltar::PackArchive(out.string(), {(t / "src").string()}, "M.trace",
                                 {{ltar::PackSource::Kind::kFile, 0, "M.olean.hash"}});
  ASSERT_TRUE(built.ok()) << built.status();
}

std::string Read(const fs::path& p) {
  auto r = workspace::ReadFileBytes(p);
  return r.ok() ? *r : std::string("<missing>");
}

TEST(Staging, CheckStagingDir) {
  TempTree t;
  EXPECT_TRUE(CheckStagingDir(t.root()).ok());
  t.Write("file", "x");
  EXPECT_EQ(CheckStagingDir(t / "file").message(), "--staging-dir must be a directory");
  EXPECT_EQ(CheckStagingDir(t / "missing").message(), "--staging-dir must be a directory");
}

TEST(Staging, StageCopiesNamedArchivesAndOverwrites) {
  TempTree t;
  t.MakeDir("cache");
  t.MakeDir("stage");
  t.Write("cache/00000000000000a1.ltar", "one");
  t.Write("cache/00000000000000a2.ltar", "two");
  t.Write("cache/00000000000000a3.ltar", "three");
  t.Write("stage/00000000000000a2.ltar", "old");
  auto n = StageArchives(t / "cache", {"00000000000000a1.ltar", "00000000000000a2.ltar"}, t / "stage");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(Read(t / "stage/00000000000000a1.ltar"), "one");
  EXPECT_EQ(Read(t / "stage/00000000000000a2.ltar"), "two");
  EXPECT_FALSE(fs::exists(t / "stage/00000000000000a3.ltar"));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(t / "stage")) files += e.is_regular_file();
  EXPECT_EQ(files, 2u);  // no temporary files left

  auto missing = StageArchives(t / "cache", {"00000000000000ff.ltar"}, t / "stage");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("00000000000000ff.ltar"), std::string::npos);
}

TEST(Staging, UnstageSkipsExistingUnlessForced) {
  TempTree t;
  t.Write("stage/00000000000000b1.ltar", "new-b1");
  t.Write("stage/sub/00000000000000b2.ltar", "new-b2");
  t.Write("stage/notes.txt", "ignored");
  t.Write("cache/00000000000000b1.ltar", "old-b1");
  auto r = UnstageArchives(t / "stage", t / "cache", false, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->copied, 1u);
  EXPECT_EQ(r->skipped_existing, 1u);
  EXPECT_EQ(Read(t / "cache/00000000000000b1.ltar"), "old-b1");
  EXPECT_EQ(Read(t / "cache/00000000000000b2.ltar"), "new-b2");
  EXPECT_FALSE(fs::exists(t / "cache/notes.txt"));

  auto forced = UnstageArchives(t / "stage", t / "cache", true, nullptr);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->copied, 2u);
  EXPECT_EQ(Read(t / "cache/00000000000000b1.ltar"), "new-b1");
}

TEST(Staging, UnstageAdmitsThroughTheBlobStore) {
  TempTree t;
  t.MakeDir("stage");
  WriteArchive(t, t / "stage/00000000000000c1.ltar", "c1");
  t.Write("stage/00000000000000c2.ltar", "not an archive");
  auto index = index::Index::Open(t / "index");
  ASSERT_TRUE(index.ok()) << index.status();
  auto store = store::BlobStore::Open(t / "cache", index->get());
  ASSERT_TRUE(store.ok()) << store.status();
  auto r = UnstageArchives(t / "stage", t / "cache", false, store->get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->copied, 1u);
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_NE(r->rejected[0].find("00000000000000c2.ltar"), std::string::npos);
  EXPECT_TRUE((*store)->Verify(0xc1).ok());
  EXPECT_EQ(Read(t / "cache/00000000000000c1.ltar"), Read(t / "stage/00000000000000c1.ltar"));
  EXPECT_FALSE(fs::exists(t / "cache/00000000000000c2.ltar"));
  for (const auto& e : fs::directory_iterator(t / "cache")) {
    EXPECT_EQ(e.path().extension(), ".ltar") << "temp file left: " << e.path();
  }
}

TEST(CommitManifest, DistinctSortedUnsignedDecimal) {
  keys::KeyResult r;
  r.modules["A"].key = 18446744073709551615ull;
  r.modules["B"].key = 42;
  r.modules["C"].key = 9223372036854775808ull;  // would sort first as signed
  r.modules["D"].key = 42;
  r.modules["E"].key = 0;
  EXPECT_EQ(CommitManifest(r), "0\n42\n9223372036854775808\n18446744073709551615\n");
  EXPECT_EQ(CommitManifest(keys::KeyResult{}), "");
}

}  // namespace
}  // namespace leancache::pack
