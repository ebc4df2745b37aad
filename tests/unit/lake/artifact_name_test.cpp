#include "common/lake/artifact_name.h"

#include <gtest/gtest.h>

namespace leancache::lake {
namespace {

TEST(ArtifactName, ParsesHashAndExtensionAfterFirstDot) {
  auto a = ParseArtifactName("00000000075bcd15.ir.sig");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->hash, 0x75bcd15u);
  EXPECT_EQ(a->ext, "ir.sig");
  EXPECT_EQ(a->FileName(), "00000000075bcd15.ir.sig");
  auto b = ParseArtifactName("ABCDEF0123456789.olean.server");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->hash, 0xabcdef0123456789u);
  EXPECT_EQ(b->FileName(), "abcdef0123456789.olean.server");  // written lowercase
  auto c = ParseArtifactName("1234");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ext, "art");
}

TEST(ArtifactName, RefusesPathsAndNonHex) {
  for (const char* bad : {"0.art/../../../proc/self/environ", "../x.olean", "a.b/c", "x..y", ".olean",
                          "abc.", "", "zz.olean", "0123456789abcdef0.olean", "a b.c", "a.b-c",
                          "/etc/passwd"}) {
    auto r = ParseArtifactName(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_NE(r.status().message().find("invalid artifact name"), std::string_view::npos);
  }
}

TEST(ArtifactName, TauCetiRegex) {
  EXPECT_TRUE(IsSafeArtifactName("a"));
  EXPECT_TRUE(IsSafeArtifactName("0a.b.C9"));
  EXPECT_FALSE(IsSafeArtifactName("a."));
  EXPECT_FALSE(IsSafeArtifactName(".a"));
  EXPECT_FALSE(IsSafeArtifactName("a..b"));
  EXPECT_FALSE(IsSafeArtifactName("a_b"));
  EXPECT_FALSE(IsSafeArtifactName("\xc3\xa9"));
}

}  // namespace
}  // namespace leancache::lake
