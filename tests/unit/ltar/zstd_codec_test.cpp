#include "common/ltar/zstd_codec.h"

#include <openssl/sha.h>

#include <string>

#include "absl/strings/escaping.h"
#include "common/ltar/dictionary.h"
#include "common/ltar/format.h"
#include "ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::ReadOrDie;
using testing::VectorPath;

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

TEST(Dictionary, EmbeddedBytesAreLeangzV1) {
  std::string_view d = LeangzDictionary();
  EXPECT_EQ(d.size(), 486250u);
  EXPECT_EQ(Sha256Hex(d), "83b314323c4cf64bf5199342cecaa080e0734bec5ee73edd1b2e27c040b2155b");
  EXPECT_EQ(d.substr(0, 4), std::string("\x37\xa4\x30\xec", 4));
  uint32_t id = 0;
  for (int i = 7; i >= 4; --i) id = (id << 8) | static_cast<uint8_t>(d[i]);
  EXPECT_EQ(id, kDictionaryId);
}

TEST(Zstd, PlainFrameHeaderMatchesLeantar) {
  auto z = ZstdCompress("hello\n");
  ASSERT_TRUE(z.ok());
  // magic, FHD 0x00 (no content size, no checksum, no dict ID), window descriptor 0x68.
  EXPECT_EQ(z->substr(0, 6), std::string("\x28\xb5\x2f\xfd\x00\x68", 6));
  // Exactly the frame in v1.ltar (spec §10.2).
  EXPECT_EQ(*z, std::string("\x28\xb5\x2f\xfd\x00\x68\x31\x00\x00hello\n", 15));
}

TEST(Zstd, EmptyInputUsesZeroContentSize) {
  auto z = ZstdCompress("");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(*z, std::string("\x28\xb5\x2f\xfd\x20\x00\x01\x00\x00", 9));  // as in edge.ltar
  auto d = ZstdDecompress(*z, false, 100, "empty");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "");
}

TEST(Zstd, DictionaryFramesMatchLeangzVectors) {
  for (const char* name : {"basic", "sarray0", "sarray1"}) {
    std::string lgz = ReadOrDie(VectorPath(std::string("syn/") + name + ".lgz"));
    std::string zst = ReadOrDie(VectorPath(std::string("syn/") + name + ".lgz.zst"));
    auto z = ZstdCompressWithDictionary(lgz);
    ASSERT_TRUE(z.ok());
    EXPECT_TRUE(*z == zst) << name << ": dictionary frame differs from leangz's";
    EXPECT_EQ(static_cast<uint8_t>((*z)[4]), 0x03);  // FHD: 4-byte dictID
    auto d = ZstdDecompress(zst, true, 1 << 20, name);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_TRUE(*d == lgz);
  }
}

TEST(Zstd, DictionaryFrameNeedsDictionary) {
  std::string zst = ReadOrDie(VectorPath("syn/basic.lgz.zst"));
  auto d = ZstdDecompress(zst, false, 1 << 20, "x");
  EXPECT_FALSE(d.ok());
}

TEST(Zstd, RoundTripLargeAndConcatenatedFrames) {
  std::string big;
  for (uint64_t i = 0; i < 300000; ++i) big += std::to_string(i * 7919 % 1000003) + ",";
  auto z = ZstdCompress(big);
  ASSERT_TRUE(z.ok());
  auto d = ZstdDecompress(*z, false, big.size(), "big");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(*d == big);
  auto z2 = ZstdCompress("tail");
  auto cat = ZstdDecompress(*z + *z2, false, big.size() + 4, "cat");
  ASSERT_TRUE(cat.ok());
  EXPECT_TRUE(*cat == big + "tail");
}

TEST(Zstd, OutputCapIsEnforced) {
  std::string zeros(10 << 20, '\0');
  auto z = ZstdCompress(zeros);
  ASSERT_TRUE(z.ok());
  EXPECT_LT(z->size(), 4096u);
  auto d = ZstdDecompress(*z, false, (10 << 20) - 1, "bomb");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(std::string(d.status().message()).find("bomb"), std::string::npos);
  auto ok = ZstdDecompress(*z, false, 10 << 20, "ok");
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST(Zstd, TruncatedAndGarbageFrames) {
  auto z = ZstdCompress(std::string(5000, 'x') + "abcdef");
  ASSERT_TRUE(z.ok());
  for (size_t cut = 1; cut < z->size(); ++cut) {
    auto d = ZstdDecompress(z->substr(0, cut), false, 1 << 20, "t");
    EXPECT_FALSE(d.ok()) << cut;
  }
  EXPECT_EQ(ZstdDecompress(z->substr(0, z->size() - 1), false, 1 << 20, "t").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ZstdDecompress("", false, 1 << 20, "t").status().code(), absl::StatusCode::kDataLoss);
  auto g = ZstdDecompress("not a zstd frame at all", false, 1 << 20, "g");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  auto trailing = ZstdDecompress(*z + "junk!", false, 1 << 20, "j");
  EXPECT_FALSE(trailing.ok());
}

}  // namespace
}  // namespace leancache::ltar

namespace leancache::ltar {
namespace {

// The per-thread decompression buffer is reused: a large output followed by a small one (and
// an output that fills the buffer exactly) comes back exact, never with bytes of an earlier call.
TEST(Zstd, ScratchReuseGivesExactOutputs) {
  std::string big(3 << 20, 'b');
  for (size_t i = 0; i < big.size(); i += 4099) big[i] = static_cast<char>(i);
  auto zb = ZstdCompress(big);
  auto zs = ZstdCompressWithDictionary("small");
  ASSERT_TRUE(zb.ok() && zs.ok());
  for (int round = 0; round < 2; ++round) {
    auto b = ZstdDecompressToScratch(*zb, false, 64 << 20, "big");
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_TRUE(*b == big);
    auto s = ZstdDecompress(*zs, true, 1 << 20, "small");
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(*s, "small");
  }
}

}  // namespace
}  // namespace leancache::ltar
