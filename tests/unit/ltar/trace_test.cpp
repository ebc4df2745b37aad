#include "common/ltar/trace.h"

#include <string>

#include "gtest/gtest.h"

namespace leancache::ltar {
namespace {

TEST(ParseRustU64, Syntax) {
  uint64_t v;
  EXPECT_TRUE(ParseRustU64("0", 10, &v) && v == 0);
  EXPECT_TRUE(ParseRustU64("+5", 10, &v) && v == 5);
  EXPECT_TRUE(ParseRustU64("007", 10, &v) && v == 7);
  EXPECT_TRUE(ParseRustU64("18446744073709551615", 10, &v) && v == UINT64_MAX);
  EXPECT_FALSE(ParseRustU64("18446744073709551616", 10, &v));
  EXPECT_FALSE(ParseRustU64("", 10, &v));
  EXPECT_FALSE(ParseRustU64("+", 10, &v));
  EXPECT_FALSE(ParseRustU64("-1", 10, &v));
  EXPECT_FALSE(ParseRustU64("5\n", 10, &v));
  EXPECT_FALSE(ParseRustU64(" 5", 10, &v));
  EXPECT_FALSE(ParseRustU64("ab", 10, &v));
  EXPECT_TRUE(ParseRustU64("ffffffffffffffff", 16, &v) && v == UINT64_MAX);
  EXPECT_TRUE(ParseRustU64("0123456789ABCdef", 16, &v) && v == 0x0123456789abcdefu);
  EXPECT_FALSE(ParseRustU64("1ffffffffffffffff", 16, &v));
  EXPECT_FALSE(ParseRustU64("xyz", 16, &v));
}

TEST(IsCanonicalDecimalU64, OnlyRoundTrippingText) {
  uint64_t v;
  EXPECT_TRUE(IsCanonicalDecimalU64("0", &v) && v == 0);
  EXPECT_TRUE(IsCanonicalDecimalU64("42", &v) && v == 42);
  EXPECT_TRUE(IsCanonicalDecimalU64("18446744073709551615", &v));
  for (const char* bad : {"007", "+5", "00", "", "5\n", "18446744073709551616", "1e3", "-0"}) {
    EXPECT_FALSE(IsCanonicalDecimalU64(bad, &v)) << bad;
  }
}

TEST(PlanTrace, V1Decimal) {
  auto p = PlanTrace("1234567890", "t");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->version, ContainerVersion::kV1);
  EXPECT_EQ(p->dep_hash, 1234567890u);
}

TEST(PlanTrace, V2JsonNeedsDecimalString) {
  auto p = PlanTrace("{\"depHash\":\"99\",\"other\":1}", "t");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->version, ContainerVersion::kV2);
  EXPECT_EQ(p->entry_mode, Mode::kHashJson);
  EXPECT_EQ(p->dep_hash, 99u);
  EXPECT_FALSE(PlanTrace("{\"depHash\":99}", "t").ok());
  EXPECT_FALSE(PlanTrace("{\"depHash\":\"ff\"}", "t").ok());
  EXPECT_FALSE(PlanTrace("[1]", "t").ok());
  auto bad = PlanTrace("not json", "lib/X.trace");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("bad .trace file lib/X.trace"),
            std::string::npos);
}

TEST(PlanTrace, V3WithoutOutputsOrLogIsMode3) {
  auto p = PlanTrace(
      "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"00000000000000ff\",\"log\":[{\"message\":"
      "\"x\",\"level\":\"trace\"}],\"synthetic\":true}",
      "t");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->version, ContainerVersion::kV3);
  EXPECT_EQ(p->entry_mode, Mode::kHashJson);
  EXPECT_EQ(p->dep_hash, 255u);
  // outputs: null counts as absent
  p = PlanTrace("{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"1\",\"outputs\":null}", "t");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->entry_mode, Mode::kHashJson);
}

TEST(PlanTrace, V3NormalisesLikeLeantar) {
  auto p = PlanTrace(
      "{\"outputs\": {\"z\": [1, 2], \"a\": \"\\u00e9\\n\"}, \"depHash\": \"AB\", "
      "\"inputs\": [], \"schemaVersion\": \"2025-09-10\", \"log\": [{\"level\": \"info\", "
      "\"message\": \"m\\\"q\", \"extra\": 1}, {\"level\": \"trace\", \"message\": \"t\"}]}",
      "t");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->entry_mode, Mode::kZstd);
  EXPECT_EQ(p->entry_text,
            "{\"schemaVersion\":\"2025-09-10\",\"log\":[{\"message\":\"m\\\"q\",\"level\":\"info\"}],"
            "\"depHash\":\"00000000000000ab\",\"outputs\":{\"a\":\"\xc3\xa9\\n\",\"z\":[1,2]}}");
}

TEST(PlanTrace, V3Errors) {
  EXPECT_FALSE(PlanTrace("{\"schemaVersion\":\"2024-01-01\",\"depHash\":\"1\"}", "t").ok());
  EXPECT_FALSE(PlanTrace("{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"xyz\"}", "t").ok());
  EXPECT_FALSE(PlanTrace("{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"1\",\"log\":[{\"message\":"
                         "\"m\",\"level\":\"debug\"}]}",
                         "t")
                   .ok());
  EXPECT_FALSE(
      PlanTrace("{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"1\",\"log\":[{\"level\":\"info\"}]}",
                "t")
          .ok());
}

TEST(TraceDepHash, AllThreeForms) {
  EXPECT_EQ(*TraceDepHash("1234567890"), 1234567890u);
  EXPECT_EQ(*TraceDepHash("{\"depHash\":\"1234567890\"}"), 1234567890u);
  EXPECT_EQ(*TraceDepHash("{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"0123456789abcdef\"}"),
            0x0123456789abcdefu);
  EXPECT_FALSE(TraceDepHash("").ok());
  EXPECT_FALSE(TraceDepHash("{}").ok());
}

TEST(Render, HashJsonAndOutput) {
  EXPECT_EQ(RenderHashJson(1234567890), "{\"depHash\":\"1234567890\"}");
  HashOutput h;
  h.dep_hash = 1;
  h.olean = 2;
  h.ilean = 3;
  h.c = 4;
  EXPECT_EQ(RenderHashOutput(h),
            "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"0000000000000001\",\"outputs\":{\"o\":["
            "\"0000000000000002.olean\"],\"i\":\"0000000000000003.ilean\",\"c\":"
            "\"0000000000000004.c\"}}");
}

}  // namespace
}  // namespace leancache::ltar
