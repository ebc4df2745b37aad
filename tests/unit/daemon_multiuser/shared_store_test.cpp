// Quarantine, promotion, quota and verification rules of the shared system store, on real files
// and real ltar archives (the spec's vectors).
#include "daemon/multiuser/shared_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/fs/fd.h"
#include "daemon/store/file_digest.h"
#include "gtest/gtest.h"

namespace leancache::multiuser {
namespace {

constexpr uint64_t kKey = 0x00000000000000abULL;
constexpr uid_t kAlice = 1001, kCarol = 1003;
constexpr uint64_t kNoQuota = uint64_t{1} << 40;

std::string Vector(const char* name) {
  std::ifstream in(std::string(LEANCACHE_SHARED_DIR) + "/vectors/ltar/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Sha(const std::string& bytes) {
  auto path = std::filesystem::temp_directory_path() / ("sha-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << bytes;
  fs::Fd fd(::open(path.c_str(), O_RDONLY));
  auto d = store::DigestFile(fd.get(), path.string());
  std::filesystem::remove(path);
  return store::Sha256Hex(d->sha256);
}

mode_t Mode(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

class SharedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shared-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = SharedStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    genuine_ = Vector("mod.ltar");
    other_ = Vector("single.ltar");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Streams `bytes` in as a WriteBlob would, announcing `claim_bytes`' size and digest.
  absl::StatusOr<AdmitResult> Write(const std::string& bytes, uid_t uid, bool trusted,
                                    uint64_t quota = kNoQuota, uint64_t key = kKey,
                                    const std::string* claim_bytes = nullptr) {
    auto temp = store_->NewIncoming();
    EXPECT_TRUE(temp.ok());
    std::ofstream(*temp, std::ios::binary | std::ios::trunc) << bytes;
    const std::string& claimed = claim_bytes ? *claim_bytes : bytes;
    BlobClaim claim{key, claimed.size(), Sha(claimed)};
    auto result = store_->Admit(*temp, claim, uid, trusted, quota);
    EXPECT_FALSE(std::filesystem::exists(*temp)) << "temp file left behind";
    return result;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SharedStore> store_;
  std::string genuine_, other_;
};

TEST_F(SharedStoreTest, LayoutModesLetReadersOpenTrustedBlobsOnly) {
  EXPECT_EQ(Mode(dir_), 0755u);
  EXPECT_EQ(Mode(dir_ / "blobs"), 0755u);
  EXPECT_EQ(Mode(dir_ / "quarantine"), 0700u);
  EXPECT_EQ(Mode(dir_ / "incoming"), 0700u);
}

TEST_F(SharedStoreTest, TrustedWriteIsServedToEveryoneInPlace) {
  auto r = Write(genuine_, kAlice, /*trusted=*/true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->stored);
  EXPECT_FALSE(r->quarantined);
  for (uid_t uid : {kAlice, kCarol, uid_t{4000}}) {
    auto e = store_->Find(kKey, uid);
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->trusted);
    EXPECT_EQ(e->sha256, Sha(genuine_));
    EXPECT_EQ(e->size, genuine_.size());
    EXPECT_EQ(e->path, dir_ / "blobs" / "00000000000000ab.ltar");
  }
  EXPECT_EQ(Mode(dir_ / "blobs" / "00000000000000ab.ltar"), 0644u);
  auto again = Write(genuine_, kCarol, /*trusted=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->stored);
  EXPECT_FALSE(again->quarantined);
  EXPECT_EQ(store_->QuarantinedBytes(kCarol), 0u);
}

TEST_F(SharedStoreTest, UntrustedWriteIsServedOnlyBackToItsWriter) {
  auto r = Write(other_, kCarol, /*trusted=*/false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->stored);
  EXPECT_TRUE(r->quarantined);
  EXPECT_FALSE(store_->Find(kKey, kAlice).has_value());
  auto own = store_->Find(kKey, kCarol);
  ASSERT_TRUE(own.has_value());
  EXPECT_FALSE(own->trusted);
  EXPECT_EQ(own->sha256, Sha(other_));
  EXPECT_EQ(Mode(dir_ / "quarantine" / std::to_string(kCarol)), 0700u);
  EXPECT_EQ(Mode(own->path), 0600u);
  EXPECT_EQ(store_->QuarantinedBytes(kCarol), other_.size());
  auto same = Write(other_, kCarol, false);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->stored);
  EXPECT_TRUE(same->quarantined);
}

TEST_F(SharedStoreTest, TrustedWriteOfTheSameBytesPromotesTheQuarantinedCopy) {
  ASSERT_TRUE(Write(genuine_, kCarol, false).ok());
  auto r = Write(genuine_, kAlice, true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->stored);
  EXPECT_EQ(r->promoted, 1u);
  EXPECT_EQ(store_->QuarantinedBytes(kCarol), 0u);
  auto now = store_->Find(kKey, uid_t{4000});
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->trusted);
  EXPECT_EQ(now->sha256, Sha(genuine_));
}

TEST_F(SharedStoreTest, TrustedWriteOfOtherBytesSupersedesButNeverServesTheQuarantinedCopy) {
  ASSERT_TRUE(Write(other_, kCarol, false).ok());
  auto r = Write(genuine_, kAlice, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->promoted, 0u);
  for (uid_t uid : {kAlice, kCarol}) {
    auto e = store_->Find(kKey, uid);
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->trusted);
    EXPECT_EQ(e->sha256, Sha(genuine_)) << "uid " << uid;
  }
  EXPECT_EQ(store_->QuarantinedBytes(kCarol), 0u);
  // Later untrusted writes of other bytes for that key are not kept.
  auto late = Write(other_, kCarol, false);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->stored);
  EXPECT_NE(late->message.find("different content"), std::string::npos);
}

TEST_F(SharedStoreTest, FirstTrustedCopyWins) {
  ASSERT_TRUE(Write(genuine_, kAlice, true).ok());
  auto second = Write(other_, kAlice, true);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->stored);
  EXPECT_EQ(store_->Find(kKey, kAlice)->sha256, Sha(genuine_));
}

TEST_F(SharedStoreTest, QuarantineQuotaIsPerUserAndCountsReplacedCopies) {
  const uint64_t quota = genuine_.size() + other_.size() - 1;
  ASSERT_TRUE(Write(genuine_, kCarol, false, quota, 1).ok());
  auto over = Write(other_, kCarol, false, quota, 2);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("quarantine quota exceeded"), std::string::npos);
  EXPECT_NE(over.status().message().find("trusted_writers"), std::string::npos);
  EXPECT_FALSE(store_->Find(2, kCarol).has_value());
  // Another user has a quota of its own.
  EXPECT_TRUE(Write(other_, kAlice, false, quota, 2).ok());
  // Replacing one's own copy of a key only needs room for the difference.
  auto replace = Write(other_, kCarol, false, other_.size(), 1);
  ASSERT_TRUE(replace.ok()) << replace.status();
  EXPECT_EQ(store_->QuarantinedBytes(kCarol), other_.size());
  // Trusted writes ignore the quota.
  EXPECT_TRUE(Write(genuine_, kAlice, true, 0, 3).ok());
}

TEST_F(SharedStoreTest, BytesMustMatchTheAnnouncementAndParse) {
  auto truncated = genuine_.substr(0, genuine_.size() - 10);
  auto wrong_size = Write(truncated, kAlice, true, kNoQuota, kKey, &genuine_);
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_EQ(wrong_size.status().code(), absl::StatusCode::kDataLoss);
  std::string flipped = genuine_;
  flipped[flipped.size() / 2] ^= 1;
  auto wrong_sha = Write(flipped, kAlice, true, kNoQuota, kKey, &genuine_);
  ASSERT_FALSE(wrong_sha.ok());
  EXPECT_EQ(wrong_sha.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(wrong_sha.status().message().find("SHA-256"), std::string::npos);
  auto not_archive = Write(std::string("definitely not an archive"), kAlice, true);
  ASSERT_FALSE(not_archive.ok());
  EXPECT_EQ(not_archive.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Find(kKey, kAlice).has_value());
}

TEST_F(SharedStoreTest, ReopeningKeepsBlobsAndClearsIncoming) {
  ASSERT_TRUE(Write(genuine_, kAlice, true).ok());
  ASSERT_TRUE(Write(other_, kCarol, false, kNoQuota, 7).ok());
  auto leftover = store_->NewIncoming();
  ASSERT_TRUE(leftover.ok());
  store_.reset();
  auto reopened = SharedStore::Open(dir_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(std::filesystem::exists(*leftover));
  EXPECT_TRUE((*reopened)->Find(kKey, kCarol)->trusted);
  EXPECT_FALSE((*reopened)->Find(7, kCarol)->trusted);
  EXPECT_FALSE((*reopened)->Find(7, kAlice).has_value());
}

}  // namespace
}  // namespace leancache::multiuser
