#include "daemon/lakestore/lake_blob_store.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "common/hash/lean_hash.h"
#include "tests/support/temp_dir.h"

namespace leancache::lakestore {
namespace {

class LakeBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index::IndexOptions o;
    o.check_in_child = false;
    auto idx = index::Index::Open(tmp_ / "index", o);
    ASSERT_TRUE(idx.ok()) << idx.status();
    index_ = std::move(*idx);
    auto s = LakeBlobStore::Open(tmp_ / "cache" / "artifacts", index_.get());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }
  std::filesystem::path Write(const std::string& bytes) {
    auto t = store_->NewTemp(1);
    EXPECT_TRUE(t.ok());
    std::ofstream(t->path(), std::ios::binary) << bytes;
    std::filesystem::path p = t->path();
    t->Release();
    return p;
  }

  testing::TempDir tmp_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<LakeBlobStore> store_;
};

TEST_F(LakeBlobStoreTest, AdoptVerifiesAndStoresReadOnly) {
  const std::string bytes = "olean bytes";
  const uint64_t h = hash::BytesHash(bytes);
  auto info = store_->Adopt(h, "olean", Write(bytes), "/proj");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->path, store_->dir() / (hash::Hex16(h) + ".olean"));
  EXPECT_EQ(info->size, bytes.size());
  EXPECT_EQ(info->sha256_hex.size(), 64u);
  struct stat st;
  ASSERT_EQ(::stat(info->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  auto found = store_->Find(h, "olean");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->sha256_hex, info->sha256_hex);
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().second.users.count("/proj"), 1u);
  // idempotent
  auto again = store_->Adopt(h, "olean", Write(bytes), "/other");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*store_->List())[0].second.users.size(), 2u);
  EXPECT_TRUE(absl::IsNotFound(store_->Find(h, "ilean").status()));
  // only the blob is left in the directory: temps were consumed
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(store_->dir())) { (void)e; ++files; }
  EXPECT_EQ(files, 1u);
}

TEST_F(LakeBlobStoreTest, MismatchIsDataLossAndStoresNothing) {
  auto temp = Write("corrupt");
  auto r = store_->Adopt(0x1234, "ltar", temp, "");
  ASSERT_TRUE(absl::IsDataLoss(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("expected 0000000000001234"), std::string_view::npos);
  EXPECT_NE(r.status().message().find(hash::Hex16(hash::BytesHash("corrupt"))), std::string_view::npos);
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(store_->List()->empty());
  EXPECT_TRUE(absl::IsNotFound(store_->Find(0x1234, "ltar").status()));
}

TEST_F(LakeBlobStoreTest, FindIndexesFilesLakeWroteAndRejectsBadOnes) {
  const std::string bytes = "written by lake";
  const uint64_t h = hash::BytesHash(bytes);
  std::ofstream(store_->dir() / (hash::Hex16(h) + ".c")) << bytes;
  auto f = store_->Find(h, "c");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(store_->List()->size(), 1u);
  std::ofstream(store_->dir() / "0000000000000007.c") << "not matching";
  EXPECT_TRUE(absl::IsDataLoss(store_->Find(7, "c").status()));
  // truncated file after recording: size re-check
  std::filesystem::permissions(f->path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(f->path) << "x";
  EXPECT_TRUE(absl::IsDataLoss(store_->Find(h, "c").status()));
}

TEST_F(LakeBlobStoreTest, RemoveDeletesEveryExtensionAndRecord) {
  const std::string bytes = "same bytes";
  const uint64_t h = hash::BytesHash(bytes);
  ASSERT_TRUE(store_->Adopt(h, "olean", Write(bytes), "").ok());
  ASSERT_TRUE(store_->Adopt(h, "art", Write(bytes), "").ok());
  auto freed = store_->Remove({h});
  ASSERT_TRUE(freed.ok()) << freed.status();
  EXPECT_EQ(*freed, bytes.size());
  EXPECT_TRUE(store_->List()->empty());
  EXPECT_TRUE(std::filesystem::is_empty(store_->dir()));
}

TEST_F(LakeBlobStoreTest, ServiceNamesEndInArt) {
  auto s = LakeBlobStore::Open(tmp_ / "svc", index_.get(), LakeBlobStore::ServiceName);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->PathOf(0xab, "olean").filename(), "00000000000000ab.art");
  auto t = (*s)->NewTemp(5);
  ASSERT_TRUE(t.ok());
  std::filesystem::path p = t->path();
  EXPECT_TRUE(std::filesystem::exists(p));
  { fs::OwnedFile gone = std::move(*t); }
  EXPECT_FALSE(std::filesystem::exists(p));
}

}  // namespace
}  // namespace leancache::lakestore
