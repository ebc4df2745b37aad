// Value encoding of the index tables: round trips and rejection of damaged values.
#include "daemon/index/records.h"

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "daemon/index/byte_codec.h"

namespace leancache::index {
namespace {

FileRecord SampleFile() {
  FileRecord r;
  r.stamp = FileStamp{2049, 123456789, 4096, 1'700'000'000'123'456'789, -5, };
  r.content_hash = 0xfedcba9876543210ULL;
  r.imports = {"Init", "Mathlib.Data.Nat.Basic", "", "Mathlib.Tactic"};
  return r;
}

BlobRecord SampleBlob() {
  BlobRecord r;
  r.size = 123456;
  for (size_t i = 0; i < r.sha256.size(); ++i) r.sha256[i] = static_cast<uint8_t>(i * 7 + 1);
  r.origin = "https://example.org/f/mathlib4/0123456789abcdef.ltar";
  r.added_ms = 1'700'000'000'000;
  r.last_access_ms = 1'700'000'100'000;
  r.users = {"/home/u/proj", "/home/u/other"};
  return r;
}

TEST(Records, FileRoundTrip) {
  FileRecord r = SampleFile();
  absl::StatusOr<FileRecord> back = DecodeFileRecord(EncodeFileRecord(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
  FileRecord empty;
  ASSERT_TRUE(DecodeFileRecord(EncodeFileRecord(empty)).ok());
  EXPECT_EQ(*DecodeFileRecord(EncodeFileRecord(empty)), empty);
}

TEST(Records, BlobRoundTrip) {
  BlobRecord r = SampleBlob();
  absl::StatusOr<BlobRecord> back = DecodeBlobRecord(EncodeBlobRecord(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
}

TEST(Records, ProjectAndCacheDirRoundTrip) {
  ProjectRecord p{0x1122334455667788ULL, 1'700'000'000'000, 3, 8000, 1ULL << 40};
  ASSERT_TRUE(DecodeProjectRecord(EncodeProjectRecord(p)).ok());
  EXPECT_EQ(*DecodeProjectRecord(EncodeProjectRecord(p)), p);
  CacheDirRecord d{7, 1234};
  ASSERT_TRUE(DecodeCacheDirRecord(EncodeCacheDirRecord(d)).ok());
  EXPECT_EQ(*DecodeCacheDirRecord(EncodeCacheDirRecord(d)), d);
}

TEST(Records, EveryTruncationIsRejected) {
  const std::string values[] = {EncodeFileRecord(SampleFile()), EncodeBlobRecord(SampleBlob()),
                                EncodeProjectRecord(ProjectRecord{1, 2, 3, 4, 5}),
                                EncodeCacheDirRecord(CacheDirRecord{1, 2})};
  for (int kind = 0; kind < 4; ++kind) {
    const std::string& full = values[kind];
    for (size_t len = 0; len < full.size(); ++len) {
      std::string_view cut(full.data(), len);
      absl::Status s;
      switch (kind) {
        case 0: s = DecodeFileRecord(cut).status(); break;
        case 1: s = DecodeBlobRecord(cut).status(); break;
        case 2: s = DecodeProjectRecord(cut).status(); break;
        default: s = DecodeCacheDirRecord(cut).status(); break;
      }
      EXPECT_TRUE(absl::IsDataLoss(s)) << "kind " << kind << " len " << len << ": " << s;
    }
  }
}

TEST(Records, TrailingBytesAndWrongFormatAreRejected) {
  std::string file = EncodeFileRecord(SampleFile());
  EXPECT_TRUE(absl::IsDataLoss(DecodeFileRecord(file + "x").status()));
  // A blob value is not a file value, and vice versa.
  EXPECT_TRUE(absl::IsDataLoss(DecodeFileRecord(EncodeBlobRecord(SampleBlob())).status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeBlobRecord(file).status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeFileRecord("garbage that is long enough to be anything").status()));
}

TEST(Records, ImpossibleListLengthIsRejectedWithoutAllocating) {
  ByteWriter w;
  w.U8('F');
  for (int i = 0; i < 5; ++i) w.Varint(1);
  w.Fixed64(1);
  w.Varint(uint64_t{1} << 60);  // import count far beyond the value size
  EXPECT_TRUE(absl::IsDataLoss(DecodeFileRecord(w.data()).status()));
}

TEST(Records, DuplicateUsersAreRejected) {
  ByteWriter w;
  w.U8('B');
  w.Varint(1);
  w.Raw(std::string(32, '\0'));
  w.Bytes("");
  w.SignedVarint(0);
  w.SignedVarint(0);
  w.Varint(2);
  w.Bytes("/p");
  w.Bytes("/p");
  EXPECT_TRUE(absl::IsDataLoss(DecodeBlobRecord(w.data()).status()));
}

TEST(ByteCodec, VarintEdges) {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 35, ~uint64_t{0}}) {
    ByteWriter w;
    w.Varint(v);
    ByteReader r(w.data(), "test");
    ASSERT_EQ(*r.Varint(), v);
    EXPECT_TRUE(r.ExpectEnd().ok());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX}) {
    ByteWriter w;
    w.SignedVarint(v);
    ByteReader r(w.data(), "test");
    ASSERT_EQ(*r.SignedVarint(), v);
  }
  // 11 continuation bytes: overflow.
  const std::string eleven(11, '\xff');
  ByteReader bad(eleven, "test");
  EXPECT_TRUE(absl::IsDataLoss(bad.Varint().status()));
  // Tenth byte may only carry one bit.
  std::string ten(9, '\xff');
  ten.push_back('\x02');
  ByteReader over(ten, "test");
  EXPECT_TRUE(absl::IsDataLoss(over.Varint().status()));
}

}  // namespace
}  // namespace leancache::index
