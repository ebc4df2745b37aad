// BlobStore over a real index and a real CACHEDIR: adopting downloads, presence, scanning an
// existing cache once, verification, bookkeeping and crash safety.
#include "daemon/store/blob_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/store/file_digest.h"
#include "tests/support/temp_dir.h"

namespace leancache::store {
namespace {

using leancache::testing::ReadFile;
using leancache::testing::TempDir;
using leancache::testing::WriteFile;

std::filesystem::path VectorPath(std::string_view name) {
  return std::filesystem::path(LEANCACHE_SHARED_DIR) / "vectors/ltar" / name;
}
std::string Vector(std::string_view name) { return ReadFile(VectorPath(name)); }

// SHA-256 of a vector as listed in the vectors' SHA256SUMS (an independent source).
std::string ListedSha256(std::string_view name) {
  std::string sums = Vector("SHA256SUMS");
  size_t at = sums.find("  " + std::string(name) + "\n");
  return at == std::string::npos || at < 64 ? "" : sums.substr(at - 64, 64);
}

// A valid archive of about `size` bytes whose body is `fill`.
std::string BigArchive(size_t size, char fill) {
  std::string out = "LTR3";
  out += std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8);
  out += std::string("lib/Big.trace\0", 14);
  out += std::string(size - out.size(), fill);
  return out;
}

std::vector<std::string> DirNames(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void SetMtime(const std::filesystem::path& path, std::chrono::seconds age) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  timespec times[2] = {{now.tv_sec - age.count(), 0}, {now.tv_sec - age.count(), 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenIndex();
    OpenStore();
  }
  void OpenIndex() {
    store_.reset();
    index_.reset();
    auto index = index::Index::Open(tmp_ / "index");
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
  }
  void OpenStore() {
    auto store = BlobStore::Open(cache(), index_.get());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::filesystem::path cache() const { return tmp_ / "cache"; }

  // Downloads `bytes` the way a transfer does: into TempPathFor, then Adopt.
  absl::StatusOr<index::BlobRecord> Put(uint64_t key, std::string_view bytes, std::string_view origin = "https://h/x") {
    absl::StatusOr<std::filesystem::path> temp = store_->TempPathFor(key);
    if (!temp.ok()) return temp.status();
    WriteFile(*temp, bytes);
    return store_->Adopt(*temp, key, origin);
  }

  TempDir tmp_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, PathUsesMathlibNames) {
  EXPECT_EQ(store_->Path(0xdeadbeef), std::filesystem::canonical(cache()) / "00000000deadbeef.ltar");
}

TEST_F(BlobStoreTest, OpenCreatesAndCanonicalisesTheDirectory) {
  auto store = BlobStore::Open(tmp_ / "x" / ".." / "other" / "cache", index_.get());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(std::filesystem::is_directory(tmp_ / "other" / "cache"));
  EXPECT_EQ((*store)->dir(), std::filesystem::canonical(tmp_ / "other" / "cache"));
  WriteFile(tmp_ / "file", "x");
  EXPECT_FALSE(BlobStore::Open(tmp_ / "file" / "cache", index_.get()).ok());
}

TEST_F(BlobStoreTest, TempPathsAreUniqueAndNamedLikeMathlibs) {
  std::regex pattern(absl::StrCat("00000000000000ff\\.ltar\\.", getpid(), "\\.[0-9a-f]{8}\\.part"));
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::filesystem::path> temp = store_->TempPathFor(255);
    ASSERT_TRUE(temp.ok()) << temp.status();
    EXPECT_EQ(temp->parent_path(), store_->dir());
    EXPECT_TRUE(std::regex_match(temp->filename().string(), pattern)) << *temp;
    EXPECT_TRUE(std::filesystem::is_regular_file(*temp));
    seen.insert(temp->string());
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST_F(BlobStoreTest, AdoptGoodArchive) {
  const uint64_t key = 0x0123456789abcdefULL;
  EXPECT_FALSE(store_->Has(key));
  absl::StatusOr<index::BlobRecord> record = Put(key, Vector("a.ltar"), "https://example.org/a.ltar");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->size, 483u);
  EXPECT_EQ(Sha256Hex(record->sha256), ListedSha256("a.ltar"));
  EXPECT_EQ(record->origin, "https://example.org/a.ltar");
  EXPECT_GT(record->added_ms, 0);
  EXPECT_TRUE(store_->Has(key));
  EXPECT_EQ(ReadFile(store_->Path(key)), Vector("a.ltar"));
  EXPECT_EQ(DirNames(store_->dir()), std::vector<std::string>{"0123456789abcdef.ltar"});  // temp gone
  auto stored = index_->GetBlob(store_->dir().string(), key);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, *record);
  EXPECT_TRUE(store_->Verify(key).ok());
}

TEST_F(BlobStoreTest, AdoptRejectsWhatIsNotAnArchive) {
  const std::pair<std::string, std::string> cases[] = {
      {"zero bytes", ""},
      {"bad magic", "<html><body>404 Not Found</body></html>"},
      {"truncated header", std::string("LTR3\x01\x02\x03\x04\x05\x06\x07\x08lib/Fo", 18)},
      {"only magic", "LTR3"},
  };
  for (const auto& [what, bytes] : cases) {
    SCOPED_TRACE(what);
    absl::StatusOr<std::filesystem::path> temp = store_->TempPathFor(7);
    ASSERT_TRUE(temp.ok());
    WriteFile(*temp, bytes);
    absl::StatusOr<index::BlobRecord> record = store_->Adopt(*temp, 7, "https://h/7");
    ASSERT_FALSE(record.ok());
    EXPECT_TRUE(absl::IsInvalidArgument(record.status())) << record.status();
    EXPECT_NE(record.status().message().find(temp->string()), std::string::npos) << record.status();
    EXPECT_FALSE(std::filesystem::exists(*temp));
    EXPECT_FALSE(std::filesystem::exists(store_->Path(7)));
    EXPECT_FALSE(store_->Has(7));
    EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 7)->has_value());
  }
  EXPECT_TRUE(DirNames(store_->dir()).empty());
}

TEST_F(BlobStoreTest, FailedAdoptLeavesTheExistingArchiveAlone) {
  ASSERT_TRUE(Put(9, Vector("v1.ltar")).ok());
  absl::StatusOr<std::filesystem::path> temp = store_->TempPathFor(9);
  WriteFile(*temp, "garbage");
  EXPECT_FALSE(store_->Adopt(*temp, 9, "https://h/9").ok());
  EXPECT_EQ(ReadFile(store_->Path(9)), Vector("v1.ltar"));
  EXPECT_TRUE(store_->Has(9));
  EXPECT_TRUE(store_->Verify(9).ok());
}

TEST_F(BlobStoreTest, AdoptOfAMissingTempFails) {
  absl::StatusOr<index::BlobRecord> record = store_->Adopt(store_->dir() / "nope.part", 3, "x");
  ASSERT_FALSE(record.ok());
  EXPECT_TRUE(absl::IsNotFound(record.status())) << record.status();
}

TEST_F(BlobStoreTest, ReplacingAnArchiveKeepsItsUsers) {
  ASSERT_TRUE(Put(5, Vector("v1.ltar"), "https://old").ok());
  ASSERT_EQ(*store_->AddUser(5, "/home/u/proj"), 1u);
  absl::StatusOr<index::BlobRecord> again = Put(5, Vector("v2.ltar"), "https://new");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size, 87u);
  EXPECT_EQ(again->origin, "https://new");
  EXPECT_EQ(again->users, std::set<std::string>{"/home/u/proj"});
  EXPECT_EQ(ReadFile(store_->Path(5)), Vector("v2.ltar"));
}

TEST_F(BlobStoreTest, ZeroByteOrTruncatedFilesAreNotCached) {
  // Zero bytes under the final name (what Mathlib's tool would count as cached).
  WriteFile(store_->Path(1), "");
  EXPECT_FALSE(store_->Has(1));
  // A recorded archive cut short.
  ASSERT_TRUE(Put(2, Vector("a.ltar")).ok());
  std::filesystem::resize_file(store_->Path(2), 100);
  EXPECT_FALSE(store_->Has(2));
  // Deleted behind our back.
  ASSERT_TRUE(Put(3, Vector("a.ltar")).ok());
  std::filesystem::remove(store_->Path(3));
  EXPECT_FALSE(store_->Has(3));
}

TEST_F(BlobStoreTest, ArchivesPutThereByAnotherToolAreIndexedWhenSeen) {
  std::filesystem::copy_file(VectorPath("a.ltar"), store_->Path(0x42));
  EXPECT_TRUE(store_->Has(0x42));
  auto record = index_->GetBlob(store_->dir().string(), 0x42);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->size, 483u);
  EXPECT_EQ((*record)->origin, "");
  EXPECT_EQ(Sha256Hex((*record)->sha256), ListedSha256("a.ltar"));

  WriteFile(store_->Path(0x43), "not an archive at all");
  EXPECT_FALSE(store_->Has(0x43));
  EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 0x43)->has_value());
  EXPECT_TRUE(std::filesystem::exists(store_->Path(0x43)));  // not ours to delete
}

TEST_F(BlobStoreTest, VerifyDetectsAFlippedByte) {
  ASSERT_TRUE(Put(11, Vector("mod.ltar")).ok());
  EXPECT_TRUE(store_->Verify(11).ok());
  std::string bytes = ReadFile(store_->Path(11));
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFile(store_->Path(11), bytes);
  absl::Status s = store_->Verify(11);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("SHA-256"), std::string::npos) << s;
  EXPECT_TRUE(store_->Has(11));  // same size: only Verify can tell
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFile(store_->Path(11), bytes);
  EXPECT_TRUE(store_->Verify(11).ok());

  WriteFile(store_->Path(11), bytes + "x");
  EXPECT_TRUE(absl::IsDataLoss(store_->Verify(11)));
  std::filesystem::remove(store_->Path(11));
  EXPECT_TRUE(absl::IsNotFound(store_->Verify(11)));
  EXPECT_TRUE(absl::IsNotFound(store_->Verify(12)));
}

TEST_F(BlobStoreTest, TouchAddUserRemoveListKeys) {
  ASSERT_TRUE(Put(1, Vector("v1.ltar")).ok());
  ASSERT_TRUE(Put(2, Vector("v2.ltar")).ok());
  ASSERT_TRUE(Put(3, Vector("a.ltar")).ok());
  const std::string dir = store_->dir().string();
  index::BlobRecord old = **index_->GetBlob(dir, 1);
  old.last_access_ms = 5;
  ASSERT_TRUE(index_->PutBlob(dir, 1, old).ok());

  std::vector<uint64_t> keys = {1, 2, 99};
  EXPECT_EQ(*store_->Touch(keys), 2u);
  EXPECT_GT((*index_->GetBlob(dir, 1))->last_access_ms, 5);
  EXPECT_EQ(*store_->Touch(uint64_t{99}), 0u);

  EXPECT_EQ(*store_->AddUser(keys, "/p1"), 2u);
  EXPECT_EQ(*store_->AddUser(1, "/p2"), 1u);
  EXPECT_EQ((*index_->GetBlob(dir, 1))->users, (std::set<std::string>{"/p1", "/p2"}));
  EXPECT_EQ((*index_->GetBlob(dir, 3))->users, std::set<std::string>{});

  EXPECT_EQ(*store_->ListKeys(), (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_TRUE(store_->Remove(2).ok());
  EXPECT_FALSE(std::filesystem::exists(store_->Path(2)));
  EXPECT_FALSE(store_->Has(2));
  EXPECT_EQ(*store_->ListKeys(), (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(store_->Remove(2).ok());  // already gone
}

TEST_F(BlobStoreTest, CacheDirsAreSeparate) {
  auto other = BlobStore::Open(tmp_ / "cache2", index_.get());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(Put(1, Vector("v1.ltar")).ok());
  EXPECT_FALSE((*other)->Has(1));
  EXPECT_TRUE((*other)->ListKeys()->empty());
  EXPECT_EQ(*store_->ListKeys(), std::vector<uint64_t>{1});
}

// ---- scanning an existing CACHEDIR ----

class ScanTest : public BlobStoreTest {
 protected:
  void SetUp() override {
    // A cache left by Mathlib's tool, before the index knows it.
    const std::filesystem::path c = cache();
    std::filesystem::create_directories(c);
    std::filesystem::copy_file(VectorPath("a.ltar"), c / "0000000000000001.ltar");
    std::filesystem::copy_file(VectorPath("v1.ltar"), c / "0000000000000002.ltar");
    std::filesystem::copy_file(VectorPath("mod.ltar"), c / "deadbeef00112233.ltar");
    WriteFile(c / "0000000000000004.ltar", "");                          // zero bytes
    WriteFile(c / "0000000000000005.ltar", "<html>404</html>");         // curl error body
    std::filesystem::copy_file(VectorPath("v2.ltar"), c / "ff.ltar");   // not a name we use
    WriteFile(c / "curl.cfg", "url = x\n");
    WriteFile(c / "0000000000000001.ltar.part", "old partial");
    WriteFile(c / "0000000000000006.ltar.4242.0badf00d.part", "old partial");
    WriteFile(c / "0000000000000007.ltar.part", "fresh partial");
    SetMtime(c / "0000000000000001.ltar.part", std::chrono::hours(2));
    SetMtime(c / "0000000000000006.ltar.4242.0badf00d.part", std::chrono::hours(2));
    BlobStoreTest::SetUp();
  }
};

TEST_F(ScanTest, FirstCallIndexesTheCacheOnce) {
  absl::StatusOr<ScanReport> report = store_->EnsureScanned();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->scanned);
  EXPECT_EQ(report->indexed, 3u);
  EXPECT_EQ(report->invalid, 2u);
  EXPECT_EQ(report->removed_parts, 2u);
  EXPECT_EQ(*store_->ListKeys(), (std::vector<uint64_t>{1, 2, 0xdeadbeef00112233ULL}));
  auto record = index_->GetBlob(store_->dir().string(), 1);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ(Sha256Hex((*record)->sha256), ListedSha256("a.ltar"));
  EXPECT_TRUE(store_->Has(0xdeadbeef00112233ULL));
  EXPECT_FALSE(store_->Has(4));
  EXPECT_FALSE(store_->Has(5));
  EXPECT_EQ(DirNames(store_->dir()),
            (std::vector<std::string>{"0000000000000001.ltar", "0000000000000002.ltar", "0000000000000004.ltar",
                                      "0000000000000005.ltar", "0000000000000007.ltar.part", "curl.cfg",
                                      "deadbeef00112233.ltar", "ff.ltar"}));

  // Later calls, on this store, a new store or a reopened index, read only the marker.
  std::filesystem::copy_file(VectorPath("syn.ltar"), cache() / "0000000000000008.ltar");
  absl::StatusOr<ScanReport> again = store_->EnsureScanned();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->scanned);
  OpenIndex();
  OpenStore();
  EXPECT_FALSE(index_->rebuilt());
  EXPECT_FALSE(store_->EnsureScanned()->scanned);
  EXPECT_EQ(store_->ListKeys()->size(), 3u);  // the new file was not scanned in...
  EXPECT_TRUE(store_->Has(8));                // ...but is admitted when asked for
  EXPECT_EQ(store_->ListKeys()->size(), 4u);
}

TEST_F(ScanTest, ARebuiltIndexScansAgain) {
  ASSERT_TRUE(store_->EnsureScanned()->scanned);
  store_.reset();
  index_.reset();
  WriteFile(tmp_ / "index" / "data.mdb", std::string(65536, '\x17'));
  OpenIndex();
  ASSERT_TRUE(index_->rebuilt());
  OpenStore();
  absl::StatusOr<ScanReport> report = store_->EnsureScanned();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->scanned);
  EXPECT_EQ(report->indexed, 3u);
  EXPECT_TRUE(store_->Has(1));
}

TEST_F(ScanTest, KeepsWhatTheIndexKnewAndDropsRecordsOfMissingFiles) {
  // Adopted (with origin and users) before the first scan, and a record whose file vanished.
  ASSERT_TRUE(Put(0x10, Vector("single.ltar"), "https://mirror/10").ok());
  ASSERT_EQ(*store_->AddUser(0x10, "/proj"), 1u);
  ASSERT_TRUE(Put(0x11, Vector("single.ltar")).ok());
  std::filesystem::remove(store_->Path(0x11));
  absl::StatusOr<ScanReport> report = store_->EnsureScanned();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->indexed, 4u);
  EXPECT_EQ(report->dropped_records, 1u);
  auto record = index_->GetBlob(store_->dir().string(), 0x10);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->origin, "https://mirror/10");
  EXPECT_EQ((*record)->users, std::set<std::string>{"/proj"});
  EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 0x11)->has_value());
}

// ---- crash safety ----

TEST_F(BlobStoreTest, ReadersNeverSeeAPartialArchive) {
  const uint64_t key = 77;
  const std::string a = BigArchive(2 << 20, 'a'), b = BigArchive(2 << 20, 'b');
  std::atomic<bool> done{false};
  std::atomic<int> seen{0}, partial{0};
  std::thread reader([&] {
    while (!done || seen == 0) {  // at least one look, however the threads are scheduled
      std::string bytes = ReadFile(store_->Path(key));
      if (bytes.empty()) continue;  // not there yet
      ++seen;
      if (bytes != a && bytes != b) ++partial;
    }
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Put(key, i % 2 ? b : a).ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(seen.load(), 0);
  EXPECT_EQ(partial.load(), 0);
}

TEST_F(BlobStoreTest, ADownloadKilledHalfwayLeavesOnlyAPartFile) {
  const uint64_t key = 88;
  absl::StatusOr<std::filesystem::path> temp = store_->TempPathFor(key);
  ASSERT_TRUE(temp.ok());
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int fd = ::open(temp->c_str(), O_WRONLY);
    std::string half = BigArchive(1 << 20, 'h');
    (void)!::write(fd, half.data(), half.size() / 2);
    ::kill(::getpid(), SIGKILL);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(std::filesystem::exists(store_->Path(key)));
  EXPECT_FALSE(store_->Has(key));
  EXPECT_TRUE(std::filesystem::exists(*temp));
  // A fresh partial survives the cleanup; an hour later it is removed.
  EXPECT_EQ(*store_->RemoveStaleParts(BlobStore::kStalePartAge), 0u);
  SetMtime(*temp, std::chrono::hours(2));
  EXPECT_EQ(*store_->RemoveStaleParts(BlobStore::kStalePartAge), 1u);
  EXPECT_TRUE(DirNames(store_->dir()).empty());
}

}  // namespace
}  // namespace leancache::store
