#include "common/lake/mapping_file.h"

#include <gtest/gtest.h>

namespace leancache::lake {
namespace {

TEST(MappingFile, ParsesEntriesAndCollectsArtifacts) {
  std::string text =
      "\"2026-03-17\"\n"
      "[\"00000000000000aa\",\"0000000000000001.ltar\"]\n"
      "[\"bb\",{\"m\":true,\"o\":[\"0000000000000002.olean\",\"0000000000000003.olean.server\"],"
      "\"i\":\"0000000000000004.ilean\",\"rs\":\"0000000000000005.ir.sig\",\"c\":null},\"extra\"]\n"
      "[204,5]\n";
  auto f = ParseMappingFile(text, "m.jsonl", true);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->warnings.empty());
  ASSERT_EQ(f->entries.size(), 3u);
  EXPECT_EQ(f->entries[0].input_hash, 0xaau);
  EXPECT_EQ(f->entries[0].artifacts[0].ext, "ltar");
  EXPECT_EQ(f->entries[1].line, 3);
  // object values in key order: i, m(bool), o[...], rs
  ASSERT_EQ(f->entries[1].artifacts.size(), 4u);
  EXPECT_EQ(f->entries[1].artifacts[0].ext, "ilean");
  EXPECT_EQ(f->entries[1].artifacts[3].ext, "ir.sig");
  EXPECT_EQ(f->entries[2].input_hash, 204u);
  EXPECT_EQ(f->entries[2].artifacts[0], (ArtifactName{5, "art"}));
  EXPECT_EQ(AllArtifacts(*f).size(), 6u);  // (5, ir.sig) and (5, art) are two names
}

TEST(MappingFile, OlderSchemaWarnsNewerIsSilentEmptyHeaderFails) {
  auto old = ParseMappingFile("\"2025-09-10\"\n", "f", true);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->warnings.size(), 1u);
  EXPECT_EQ(old->warnings[0], "f: unknown schema version '2025-09-10'; may not parse correctly");
  auto newer = ParseMappingFile("\"2027-01-01\"\n", "f", true);
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE(newer->warnings.empty());
  auto bad = ParseMappingFile("{oops\n", "f", true);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->warnings[0], "f: invalid header on line 1");
  EXPECT_FALSE(ParseMappingFile("\n[\"aa\",1]\n", "f", true).ok());
  EXPECT_FALSE(ParseMappingFile("", "f", false).ok());
}

TEST(MappingFile, BadLinesNamedByNumber) {
  std::string text = "\"2026-03-17\"\n[\"aa\",1]\n[\"bb\",\"0.art/../../../proc/self/environ\"]\n[\"cc\",2]\n";
  auto strict = ParseMappingFile(text, "m.jsonl", true);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("m.jsonl: line 3: invalid artifact name '0.art/../../../proc/self/environ'"),
            std::string_view::npos) << strict.status();
  auto lenient = ParseMappingFile(text, "m.jsonl", false);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->entries.size(), 2u);
  ASSERT_EQ(lenient->warnings.size(), 1u);
  EXPECT_EQ(lenient->warnings[0].rfind("m.jsonl: line 3: ", 0), 0u);
  auto json = ParseMappingFile("\"2026-03-17\"\n[\"aa\",1]\n[\"bb\",\n", "m", true);
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.status().message().find("line 3: invalid JSON"), std::string_view::npos);
  EXPECT_FALSE(ParseMappingFile("\"2026-03-17\"\n[\"xyz\",1]\n", "m", true).ok());  // input hash
  EXPECT_FALSE(ParseMappingFile("\"2026-03-17\"\n[\"aa\",-1]\n", "m", true).ok());
  EXPECT_FALSE(ParseMappingFile("\"2026-03-17\"\n[\"aa\",1.5]\n", "m", true).ok());
}

TEST(MappingFile, BlankLineEnds) {
  auto f = ParseMappingFile("\"2026-03-17\"\n[\"aa\",1]\n\n[\"bb\",\"zz\"]\n", "m", true);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->entries.size(), 1u);
}

}  // namespace
}  // namespace leancache::lake
