#include "common/hash/content_hash.h"

#include <gtest/gtest.h>

#include "common/hash/lean_hash.h"

namespace leancache::hash {
namespace {

TEST(CrlfToLf, Rules) {
  EXPECT_EQ(CrlfToLf(""), "");
  EXPECT_EQ(CrlfToLf("a\r\nb"), "a\nb");
  EXPECT_EQ(CrlfToLf("\r\r\n"), "\r\n");  // non-overlapping, lone CR stays
  EXPECT_EQ(CrlfToLf("\r"), "\r");
  EXPECT_EQ(CrlfToLf("\n\r"), "\n\r");
  EXPECT_EQ(CrlfToLf("\r\n\r\n"), "\n\n");
  EXPECT_EQ(CrlfToLf("x\r"), "x\r");
}

TEST(ContentHash, CrlfFileAndLfTwinHashTheSame) {
  const std::string lf = "import Mathlib.Init\n\ntheorem t : True := trivial\n";
  const std::string crlf = "import Mathlib.Init\r\n\r\ntheorem t : True := trivial\r\n";
  ASSERT_TRUE(ContentHash(lf).ok());
  EXPECT_EQ(*ContentHash(crlf), *ContentHash(lf));
  EXPECT_EQ(*ContentHash(lf), StringHash(lf));
}

TEST(ContentHash, DoubleCrEqualsSingleCrlf) {
  // "\r\r\n" becomes "\r\n": Hc of the file equals Hs of the text with "\r\n".
  EXPECT_EQ(*ContentHash("a\r\r\nb"), StringHash("a\r\nb"));
  EXPECT_NE(*ContentHash("a\r\r\nb"), *ContentHash("a\r\nb"));
  // A lone CR is content, not a line ending.
  EXPECT_NE(*ContentHash("a\rb"), *ContentHash("a\nb"));
}

TEST(ContentHash, NoBomStrippingOrNewlineFixup) {
  EXPECT_NE(*ContentHash("\xEF\xBB\xBFx"), *ContentHash("x"));
  EXPECT_NE(*ContentHash("x\n"), *ContentHash("x"));
}

TEST(ContentHash, RejectsInvalidUtf8) {
  EXPECT_FALSE(ContentHash("\xff").ok());
  EXPECT_FALSE(ContentHash("abc\xC3").ok());         // truncated
  EXPECT_FALSE(ContentHash("\xC0\xAF").ok());        // overlong
  EXPECT_FALSE(ContentHash("\xED\xA0\x80").ok());    // surrogate
  EXPECT_FALSE(ContentHash("\xF4\x90\x80\x80").ok());  // > U+10FFFF
  EXPECT_TRUE(ContentHash("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80").ok());
  EXPECT_EQ(ContentHash("\xff").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(IsValidUtf8, Basics) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace
}  // namespace leancache::hash
