// CACHEDIR file names, as Mathlib's tool writes them.
#include "daemon/store/blob_name.h"

#include <gtest/gtest.h>

namespace leancache::store {
namespace {

TEST(BlobName, Format) {
  EXPECT_EQ(BlobFileName(0), "0000000000000000.ltar");
  EXPECT_EQ(BlobFileName(1), "0000000000000001.ltar");
  EXPECT_EQ(BlobFileName(0xdeadbeef00112233ULL), "deadbeef00112233.ltar");
  EXPECT_EQ(BlobFileName(~uint64_t{0}), "ffffffffffffffff.ltar");
}

TEST(BlobName, ParseIsStrict) {
  EXPECT_EQ(ParseBlobFileName("deadbeef00112233.ltar"), 0xdeadbeef00112233ULL);
  EXPECT_EQ(ParseBlobFileName("0000000000000000.ltar"), 0u);
  EXPECT_EQ(ParseBlobFileName("ff.ltar"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("DEADBEEF00112233.ltar"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("deadbeef00112233.ltar.part"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("deadbeef00112233.ltar.123.part"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("0deadbeef00112233.ltar"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("deadbeef0011223g.ltar"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("deadbeef00112233.tar.gz"), std::nullopt);
  EXPECT_EQ(ParseBlobFileName("curl.cfg"), std::nullopt);
}

TEST(BlobName, PartialNames) {
  EXPECT_TRUE(IsPartialFileName("deadbeef00112233.ltar.part"));
  EXPECT_TRUE(IsPartialFileName("deadbeef00112233.ltar.4242.part"));
  EXPECT_TRUE(IsPartialFileName("deadbeef00112233.ltar.4242.0a1b2c3d.part"));
  EXPECT_FALSE(IsPartialFileName("deadbeef00112233.ltar"));
  EXPECT_FALSE(IsPartialFileName(".part"));
  EXPECT_FALSE(IsPartialFileName("x.partial"));
}

}  // namespace
}  // namespace leancache::store
