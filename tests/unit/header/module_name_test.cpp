#include "common/header/module_name.h"

#include <gtest/gtest.h>

#include "common/header/lean_chars.h"

namespace leancache::header {
namespace {

TEST(ModuleName, EscapeNamePart) {
  EXPECT_EQ(EscapeNamePart("Mathlib"), "Mathlib");
  EXPECT_EQ(EscapeNamePart("A B"), "«A B»");
  EXPECT_EQ(EscapeNamePart("1x"), "«1x»");
  EXPECT_EQ(EscapeNamePart("b-c"), "«b-c»");
  EXPECT_EQ(EscapeNamePart(""), "«»");
  EXPECT_EQ(EscapeNamePart("a»b"), "a»b");  // cannot be escaped: left as is
  EXPECT_EQ(EscapeNamePart("α₁"), "α₁");
}

TEST(ModuleName, SplitAndJoinRoundTrip) {
  auto parts = SplitModuleName("Mathlib.«A B».C");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(*parts, (std::vector<std::string>{"Mathlib", "A B", "C"}));
  EXPECT_EQ(JoinModuleName(*parts), "Mathlib.«A B».C");
  EXPECT_EQ(JoinModuleName(*SplitModuleName("A.«a.b»")), "A.«a.b»");
  EXPECT_EQ(SplitModuleName("A.«a.b»")->size(), 2u);
}

TEST(ModuleName, SplitRejectsMalformed) {
  for (const char* bad : {"", ".", "A.", ".A", "A..B", "1A", "A.1", "A B", "«x", "A.+", "-x"}) {
    EXPECT_FALSE(SplitModuleName(bad).ok()) << bad;
  }
  EXPECT_EQ(ModuleRoot("Mathlib.Foo"), "Mathlib");
  EXPECT_EQ(ModuleRoot("«My Proj».Foo"), "My Proj");
}

TEST(LeanChars, Classes) {
  EXPECT_TRUE(IsIdFirst('a'));
  EXPECT_TRUE(IsIdFirst('_'));
  EXPECT_FALSE(IsIdFirst('1'));
  EXPECT_TRUE(IsIdFirst(0x3b1));    // α
  EXPECT_FALSE(IsIdFirst(0x3bb));   // λ
  EXPECT_FALSE(IsIdFirst(0x3a0));   // Π
  EXPECT_TRUE(IsIdFirst(0x2115));   // ℕ
  EXPECT_TRUE(IsIdFirst(0x1d4d0));  // 𝓐
  EXPECT_TRUE(IsIdFirst(0xe9));     // é
  EXPECT_FALSE(IsIdFirst(0xd7));    // ×
  EXPECT_FALSE(IsIdFirst(0x2081));  // ₁ continues but cannot start
  EXPECT_TRUE(IsIdRest(0x2081));
  EXPECT_TRUE(IsIdRest(0x2c7c));
  EXPECT_TRUE(IsIdRest('\''));
  EXPECT_TRUE(IsIdRest('!'));
  EXPECT_TRUE(IsIdRest('?'));
  EXPECT_FALSE(IsIdRest('.'));
  EXPECT_FALSE(IsIdRest('-'));
}

}  // namespace
}  // namespace leancache::header
