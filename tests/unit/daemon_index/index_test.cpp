// The LMDB index: tables, persistence, damage and schema handling, map growth, processes.
#include "daemon/index/index.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "log_capture.h"
#include "tests/support/temp_dir.h"

namespace leancache::index {
namespace {

using leancache::testing::LogCapture;
using leancache::testing::TempDir;

FileRecord MakeFile(uint64_t n) {
  FileRecord r;
  r.stamp = FileStamp{1, n, n * 3, static_cast<int64_t>(n) * 1000, static_cast<int64_t>(n) * 1001};
  r.content_hash = n * 0x9e3779b97f4a7c15ULL;
  r.imports = {"Init", absl::StrCat("Mathlib.M", n)};
  return r;
}

BlobRecord MakeBlob(uint64_t size) {
  BlobRecord r;
  r.size = size;
  r.sha256.fill(static_cast<uint8_t>(size));
  r.origin = "https://example.org/x.ltar";
  r.added_ms = 10;
  r.last_access_ms = 20;
  return r;
}

std::unique_ptr<Index> MustOpen(const std::filesystem::path& dir, IndexOptions options = {}) {
  absl::StatusOr<std::unique_ptr<Index>> index = Index::Open(dir, options);
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *std::move(index) : nullptr;
}

// Writes raw bytes into one table of a closed index, bypassing the Index class.
void RawPut(const std::filesystem::path& dir, const char* table, std::string_view key, std::string_view value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 8), 0);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, table, 0, &dbi), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(Index, FreshIndexIsCreatedAndPersists) {
  TempDir tmp;
  {
    auto index = MustOpen(tmp / "index");
    ASSERT_TRUE(index);
    EXPECT_TRUE(index->fresh());
    EXPECT_FALSE(index->rebuilt());
    ASSERT_TRUE(index->PutFiles({{"/p/A.lean", MakeFile(1)}}).ok());
  }
  auto index = MustOpen(tmp / "index");
  ASSERT_TRUE(index);
  EXPECT_FALSE(index->fresh());
  EXPECT_FALSE(index->rebuilt());
  absl::StatusOr<std::optional<FileRecord>> got = index->GetFile("/p/A.lean");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, MakeFile(1));
  EXPECT_FALSE(index->GetFile("/p/B.lean")->has_value());
  EXPECT_TRUE(*index->RemoveFile("/p/A.lean"));
  EXPECT_FALSE(*index->RemoveFile("/p/A.lean"));
  EXPECT_FALSE(index->GetFile("/p/A.lean")->has_value());
}

TEST(Index, PathsLongerThanTheKeyLimitWork) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  std::string long_a = "/" + std::string(2000, 'a');
  std::string long_b = "/" + std::string(2000, 'a') + "b";
  ASSERT_TRUE(index->PutFiles({{long_a, MakeFile(1)}, {long_b, MakeFile(2)}}).ok());
  EXPECT_EQ(**index->GetFile(long_a), MakeFile(1));
  EXPECT_EQ(**index->GetFile(long_b), MakeFile(2));

  std::string long_dir = "/" + std::string(1000, 'c');
  ASSERT_TRUE(index->PutBlob(long_dir, 5, MakeBlob(5)).ok());
  EXPECT_EQ(**index->GetBlob(long_dir, 5), MakeBlob(5));
  ASSERT_TRUE(index->RecordGet(long_dir, 1, 2, 3, 4).ok());
  EXPECT_EQ(index->GetProject(long_dir)->value().gets, 1u);
}

TEST(Index, BlobsAreSeparatedPerCacheDir) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  ASSERT_TRUE(index->PutBlobs("/c1", {{1, MakeBlob(100)}, {0xffffffffffffffffULL, MakeBlob(200)}}).ok());
  ASSERT_TRUE(index->PutBlob("/c2", 1, MakeBlob(300)).ok());
  EXPECT_EQ(index->GetBlob("/c1", 1)->value().size, 100u);
  EXPECT_EQ(index->GetBlob("/c2", 1)->value().size, 300u);
  EXPECT_FALSE(index->GetBlob("/c3", 1)->has_value());
  EXPECT_FALSE(index->GetBlob("/c2", 2)->has_value());

  absl::StatusOr<std::vector<std::pair<uint64_t, BlobRecord>>> list = index->ListBlobs("/c1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].first, 1u);
  EXPECT_EQ((*list)[1].first, 0xffffffffffffffffULL);
  EXPECT_TRUE(index->ListBlobs("/nowhere")->empty());

  std::vector<uint64_t> keys = {1, 2, 0xffffffffffffffffULL};
  absl::StatusOr<size_t> updated =
      index->UpdateBlobs("/c1", keys, [](BlobRecord& r) { r.users.insert("/proj"); });
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(*updated, 2u);
  EXPECT_EQ(index->GetBlob("/c1", 1)->value().users, std::set<std::string>{"/proj"});
  EXPECT_TRUE(index->GetBlob("/c2", 1)->value().users.empty());
  EXPECT_EQ(*index->UpdateBlobs("/unknown", keys, [](BlobRecord&) {}), 0u);

  EXPECT_TRUE(*index->RemoveBlob("/c1", 1));
  EXPECT_FALSE(*index->RemoveBlob("/c1", 1));
  EXPECT_FALSE(*index->RemoveBlob("/unknown", 1));
  EXPECT_TRUE(index->GetBlob("/c2", 1)->has_value());
}

TEST(Index, CacheDirScanMarker) {
  TempDir tmp;
  {
    auto index = MustOpen(tmp / "index");
    EXPECT_FALSE(index->CacheDirScannedAt("/c")->has_value());
    ASSERT_TRUE(index->PutBlob("/c", 1, MakeBlob(1)).ok());  // registering is not scanning
    EXPECT_FALSE(index->CacheDirScannedAt("/c")->has_value());
    ASSERT_TRUE(index->MarkCacheDirScanned("/c", 12345).ok());
  }
  auto index = MustOpen(tmp / "index");
  EXPECT_EQ(index->CacheDirScannedAt("/c")->value(), 12345);
  EXPECT_EQ(index->GetBlob("/c", 1)->value().size, 1u);  // same id after reopening
  EXPECT_FALSE(index->CacheDirScannedAt("/d")->has_value());
}

TEST(Index, ProjectsCountGets) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  EXPECT_FALSE(index->GetProject("/p")->has_value());
  ASSERT_TRUE(index->RecordGet("/p", 111, 10, 1000, 5000).ok());
  absl::StatusOr<ProjectRecord> r = index->RecordGet("/p", 222, 5, 500, 6000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (ProjectRecord{222, 6000, 2, 15, 1500}));
  EXPECT_EQ(**index->GetProject("/p"), *r);
  ASSERT_TRUE(index->PutProject("/q", ProjectRecord{1, 2, 3, 4, 5}).ok());
  auto list = index->ListProjects();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].first, "/p");
  EXPECT_EQ((*list)[1].first, "/q");
}

TEST(Index, Stats) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  ASSERT_TRUE(index->PutFiles({{"/a", MakeFile(1)}, {"/b", MakeFile(2)}, {"/c", MakeFile(3)}}).ok());
  ASSERT_TRUE(index->PutBlobs("/c1", {{1, MakeBlob(100)}, {2, MakeBlob(50)}}).ok());
  ASSERT_TRUE(index->PutBlob("/c2", 1, MakeBlob(7)).ok());
  ASSERT_TRUE(index->RecordGet("/p", 1, 1, 1, 1).ok());
  absl::StatusOr<IndexStats> stats = index->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->files, 3u);
  EXPECT_EQ(stats->blobs, 3u);
  EXPECT_EQ(stats->projects, 1u);
  EXPECT_EQ(stats->cache_dirs, 2u);
  EXPECT_EQ(stats->blob_bytes, 157u);
  EXPECT_GE(stats->map_size, size_t{256} << 20);
  EXPECT_EQ(stats->path, tmp / "index");
}

// ---- damage and schema ----

class IndexDamage : public ::testing::Test {
 protected:
  // An index with some content, closed again.
  void SetUp() override {
    auto index = MustOpen(dir());
    std::vector<std::pair<std::string, FileRecord>> files;
    for (int i = 0; i < 2000; ++i) files.emplace_back(absl::StrCat("/p/F", i, ".lean"), MakeFile(i));
    ASSERT_TRUE(index->PutFiles(files).ok());
    ASSERT_TRUE(index->MarkCacheDirScanned("/c", 1).ok());
  }
  std::filesystem::path dir() const { return tmp_ / "index"; }
  std::filesystem::path data() const { return dir() / "data.mdb"; }

  // Opens the index expecting it to have been rebuilt (empty, marker gone) with a warning.
  void ExpectRebuilt(std::string_view reason_part) {
    LogCapture log;
    auto index = MustOpen(dir());
    ASSERT_TRUE(index);
    EXPECT_TRUE(index->rebuilt());
    EXPECT_TRUE(index->fresh());
    EXPECT_NE(index->rebuild_reason().find(reason_part), std::string::npos) << index->rebuild_reason();
    EXPECT_NE(log.Text().find("unusable"), std::string::npos) << log.Text();
    EXPECT_FALSE(index->GetFile("/p/F1.lean")->has_value());
    EXPECT_FALSE(index->CacheDirScannedAt("/c")->has_value());
    EXPECT_TRUE(std::filesystem::exists(tmp_ / "index.broken" / "data.mdb"));
    // The new index works and stays valid.
    ASSERT_TRUE(index->PutFiles({{"/x", MakeFile(9)}}).ok());
    index.reset();
    auto again = MustOpen(dir());
    EXPECT_FALSE(again->rebuilt());
    EXPECT_EQ(**again->GetFile("/x"), MakeFile(9));
  }

  TempDir tmp_;
};

TEST_F(IndexDamage, GarbageDataFile) {
  uintmax_t size = std::filesystem::file_size(data());
  std::mt19937_64 rng(42);
  std::string garbage(size, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  leancache::testing::WriteFile(data(), garbage);
  ExpectRebuilt("");
}

TEST_F(IndexDamage, GarbageDataPagesBehindValidMetaPages) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    SetUp();
    std::string bytes = leancache::testing::ReadFile(data());
    std::mt19937_64 rng(seed);
    // Keep the two meta pages; scramble every later page.
    for (size_t i = 2 * 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng());
    leancache::testing::WriteFile(data(), bytes);
    ExpectRebuilt("");
    std::filesystem::remove_all(dir());
  }
}

TEST_F(IndexDamage, OneScrambledPage) {
  // Whatever page is scrambled, opening never crashes: the index is rebuilt or, when the page
  // was unused, kept.
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(seed);
    SetUp();
    std::string bytes = leancache::testing::ReadFile(data());
    std::mt19937_64 rng(seed);
    size_t pages = bytes.size() / 4096;
    size_t page = 2 + rng() % (pages - 2);
    for (size_t i = page * 4096; i < (page + 1) * 4096; ++i) bytes[i] = static_cast<char>(rng());
    leancache::testing::WriteFile(data(), bytes);
    LogCapture log;
    auto index = MustOpen(dir());
    ASSERT_TRUE(index);
    if (!index->rebuilt()) {
      // Kept: then every record must still read back intact.
      for (int i = 0; i < 2000; ++i) {
        auto got = index->GetFile(absl::StrCat("/p/F", i, ".lean"));
        ASSERT_TRUE(got.ok() && got->has_value()) << i << " page " << page << "/" << pages << " " << got.status();
        ASSERT_EQ(**got, MakeFile(i));
      }
    }
    ASSERT_TRUE(index->PutFiles({{"/after", MakeFile(1)}}).ok());
    index.reset();
    std::filesystem::remove_all(dir());
    std::filesystem::remove_all(tmp_ / "index.broken");
  }
}

TEST_F(IndexDamage, InProcessCheckFindsDecodeErrorsToo) {
  RawPut(dir(), "blobs", std::string(12, 'k'), "junk");
  IndexOptions options;
  options.check_in_child = false;
  auto index = MustOpen(dir(), options);
  ASSERT_TRUE(index);
  EXPECT_TRUE(index->rebuilt());
  EXPECT_NE(index->rebuild_reason().find("blob"), std::string::npos) << index->rebuild_reason();
}

TEST_F(IndexDamage, TruncatedDataFile) {
  std::filesystem::resize_file(data(), std::filesystem::file_size(data()) / 2);
  ExpectRebuilt("truncated");
}

TEST_F(IndexDamage, DataFileCutInsideTheMetaPages) {
  std::filesystem::resize_file(data(), 100);
  ExpectRebuilt("");
}

TEST_F(IndexDamage, GarbageLockFileIsReinitialisedAndDataKept) {
  // The first process to open an environment rebuilds the lock file; the data is untouched.
  leancache::testing::WriteFile(dir() / "lock.mdb", std::string(8192, '\x5a'));
  auto index = MustOpen(dir());
  ASSERT_TRUE(index);
  EXPECT_FALSE(index->rebuilt());
  EXPECT_EQ(**index->GetFile("/p/F1.lean"), MakeFile(1));
}

TEST_F(IndexDamage, ValueThatDoesNotDecode) {
  RawPut(dir(), "files", "/p/F1.lean", "not a record");
  ExpectRebuilt("files");
}

TEST_F(IndexDamage, NewerSchemaVersion) {
  RawPut(dir(), "meta", "schema_version", std::string("\x63\x00\x00\x00", 4));  // 99
  ExpectRebuilt("schema version 99");
}

TEST_F(IndexDamage, MalformedSchemaVersion) {
  RawPut(dir(), "meta", "schema_version", "v1");
  ExpectRebuilt("schema version");
}

TEST_F(IndexDamage, ForeignLmdbEnvironment) {
  std::filesystem::remove_all(dir());
  std::filesystem::create_directories(dir());
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_open(env, dir().c_str(), 0, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), 0);
  MDB_val k{3, const_cast<char*>("abc")}, v{3, const_cast<char*>("def")};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  ExpectRebuilt("without a meta table");
}

TEST(Index, EmptyDataFileStartsFresh) {
  TempDir tmp;
  { ASSERT_TRUE(MustOpen(tmp / "index")->PutFiles({{"/a", MakeFile(1)}}).ok()); }
  std::filesystem::resize_file(tmp / "index" / "data.mdb", 0);
  auto index = MustOpen(tmp / "index");
  ASSERT_TRUE(index);
  EXPECT_TRUE(index->fresh());
  EXPECT_FALSE(index->GetFile("/a")->has_value());
}

TEST(Index, UnusableDirectoryIsAnErrorNotARebuild) {
  TempDir tmp;
  leancache::testing::WriteFile(tmp / "file", "x");
  absl::StatusOr<std::unique_ptr<Index>> index = Index::Open(tmp / "file" / "index");
  ASSERT_FALSE(index.ok());
  EXPECT_FALSE(absl::IsDataLoss(index.status()));
  EXPECT_NE(index.status().message().find("file/index"), std::string::npos) << index.status();
  EXPECT_TRUE(std::filesystem::is_regular_file(tmp / "file"));
}

// ---- map growth ----

TEST(IndexMap, GrowsFromATinyMapInOneLargeTransaction) {
  TempDir tmp;
  IndexOptions options;
  options.initial_map_size = 64 << 10;
  auto index = MustOpen(tmp / "index", options);
  ASSERT_TRUE(index);
  std::vector<std::pair<std::string, FileRecord>> files;
  for (int i = 0; i < 20000; ++i) files.emplace_back(absl::StrCat("/p/Mathlib/File", i, ".lean"), MakeFile(i));
  ASSERT_TRUE(index->PutFiles(files).ok());
  absl::StatusOr<IndexStats> stats = index->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->files, 20000u);
  EXPECT_GT(stats->map_size, size_t{64} << 10);
  for (int i = 0; i < 20000; i += 997) {
    EXPECT_EQ(**index->GetFile(absl::StrCat("/p/Mathlib/File", i, ".lean")), MakeFile(i));
  }
  // The grown map is kept by the environment.
  index.reset();
  auto again = MustOpen(tmp / "index", options);
  EXPECT_FALSE(again->rebuilt());
  EXPECT_EQ(again->Stats()->files, 20000u);
}

TEST(IndexMap, GrowsUnderConcurrentWritersAndReaders) {
  TempDir tmp;
  IndexOptions options;
  options.initial_map_size = 64 << 10;
  auto index = MustOpen(tmp / "index", options);
  ASSERT_TRUE(index);
  constexpr int kThreads = 4, kBatches = 40, kPerBatch = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<std::pair<std::string, FileRecord>> files;
        for (int i = 0; i < kPerBatch; ++i) {
          int n = (t * kBatches + b) * kPerBatch + i;
          files.emplace_back(absl::StrCat("/t", t, "/f", n), MakeFile(n));
        }
        if (!index->PutFiles(files).ok()) ++failures;
        // Read back something written earlier by this thread.
        int n = (t * kBatches + b / 2) * kPerBatch;
        auto got = index->GetFile(absl::StrCat("/t", t, "/f", n));
        if (!got.ok() || !got->has_value() || **got != MakeFile(n)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(index->Stats()->files, static_cast<uint64_t>(kThreads * kBatches * kPerBatch));
}

// ---- several processes ----

TEST(IndexProcesses, AnotherProcessWritesAndGrowsTheMap) {
  TempDir tmp;
  IndexOptions options;
  options.initial_map_size = 64 << 10;
  auto index = MustOpen(tmp / "index", options);
  ASSERT_TRUE(index);
  ASSERT_TRUE(index->PutFiles({{"/parent", MakeFile(1)}}).ok());
  ASSERT_TRUE(index->GetFile("/parent")->has_value());  // a reader slot in use before the fork

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto other = Index::Open(tmp / "index", options);
    if (!other.ok() || (*other)->rebuilt() || !(*other)->GetFile("/parent")->has_value()) _exit(2);
    std::vector<std::pair<std::string, FileRecord>> files;
    for (int i = 0; i < 20000; ++i) files.emplace_back(absl::StrCat("/child/", i), MakeFile(i));
    if (!(*other)->PutFiles(files).ok()) _exit(3);
    other->reset();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  // The child grew the map beyond ours: reads and writes adopt the new size.
  absl::StatusOr<std::optional<FileRecord>> got = index->GetFile("/child/19999");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, MakeFile(19999));
  ASSERT_TRUE(index->PutFiles({{"/parent2", MakeFile(2)}}).ok());
  EXPECT_EQ(index->Stats()->files, 20002u);
}

}  // namespace
}  // namespace leancache::index
