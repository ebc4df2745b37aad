#include "common/lake/lean_json.h"

#include <gtest/gtest.h>

#include "common/lake/cache_layout.h"

namespace leancache::lake {
namespace {

using nlohmann::json;

// The shape of a lake-manifest.json as Lake writes it with Json.pretty (public file format):
// keys in reverse order, broken groups indented by the bracket width, a kv whose value does not
// fit breaks after the colon.
TEST(LeanJson, PrettyMatchesLakeManifestLayout) {
  json pkg = {{"url", "https://github.com/leanprover-community/plausible"}, {"type", "git"},
              {"subDir", nullptr}, {"scope", "leanprover-community"},
              {"rev", "b3dd6c3ebc0a71685e1a7a7b8f1bd8fd36de2b58"}, {"name", "plausible"},
              {"manifestFile", "lake-manifest.json"}, {"inputRev", "main"}, {"inherited", false},
              {"configFile", "lakefile.toml"}};
  json manifest = {{"version", "1.1.0"}, {"packagesDir", ".lake/packages"},
                   {"packages", json::array({pkg})}, {"name", "mathlib"}, {"lakeDir", ".lake"}};
  EXPECT_EQ(LeanJsonPretty(manifest),
            "{\"version\": \"1.1.0\",\n"
            " \"packagesDir\": \".lake/packages\",\n"
            " \"packages\":\n"
            " [{\"url\": \"https://github.com/leanprover-community/plausible\",\n"
            "   \"type\": \"git\",\n"
            "   \"subDir\": null,\n"
            "   \"scope\": \"leanprover-community\",\n"
            "   \"rev\": \"b3dd6c3ebc0a71685e1a7a7b8f1bd8fd36de2b58\",\n"
            "   \"name\": \"plausible\",\n"
            "   \"manifestFile\": \"lake-manifest.json\",\n"
            "   \"inputRev\": \"main\",\n"
            "   \"inherited\": false,\n"
            "   \"configFile\": \"lakefile.toml\"}],\n"
            " \"name\": \"mathlib\",\n"
            " \"lakeDir\": \".lake\"}");
}

TEST(LeanJson, FlatWhenItFitsAndEscapes) {
  EXPECT_EQ(LeanJsonPretty(json{{"a", {1, 2}}, {"b", 1}}), "{\"b\": 1, \"a\": [1, 2]}");
  EXPECT_EQ(LeanJsonPretty(json::object()), "{}");
  EXPECT_EQ(LeanJsonPretty(json::array()), "[]");
  EXPECT_EQ(LeanJsonString("a\"b\\c\nd\re\x01\x7f\xc3\xa9"), "\"a\\\"b\\\\c\\nd\\re\\u0001\x7f\xc3\xa9\"");
  EXPECT_EQ(LeanJsonCompress(json{{"i", "x"}, {"m", true}, {"o", {"y"}}}), "{\"o\":[\"y\"],\"m\":true,\"i\":\"x\"}");
}

TEST(LeanJson, ExactlyEightyColumnsStaysFlat) {
  // {"k": "<s>"} is 9 + len(s) columns: 80 fits, 81 breaks the object and then the kv.
  std::string s71(71, 'x');
  EXPECT_EQ(LeanJsonPretty(json{{"k", s71}}), "{\"k\": \"" + s71 + "\"}");
  std::string s72(72, 'x');
  EXPECT_EQ(LeanJsonPretty(json{{"k", s72}}), "{\"k\":\n \"" + s72 + "\"}");
}

TEST(CacheOutput, RendersLakeLayoutAndReadsBothForms) {
  OutputsOrigin origin{std::nullopt, "scope", "s"};
  std::string text = RenderCacheOutput(origin, "0000000000000001.ltar");
  EXPECT_EQ(text,
            "{\"service\": null,\n"
            " \"scope\": \"s\",\n"
            " \"schemaVersion\": \"2026-02-25\",\n"
            " \"data\": \"0000000000000001.ltar\"}");
  OutputsOrigin repo{"svc", "repo", "owner/repo"};
  json mod = {{"m", false}, {"o", {"0000000000000002.olean"}}, {"i", "0000000000000004.ilean"},
              {"r", "0000000000000005.ir"}, {"c", "0000000000000001.c"}};
  EXPECT_EQ(RenderCacheOutput(repo, mod),
            "{\"service\": \"svc\",\n"
            " \"schemaVersion\": \"2026-02-25\",\n"
            " \"repo\": \"owner/repo\",\n"
            " \"data\":\n"
            " {\"r\": \"0000000000000005.ir\",\n"
            "  \"o\": [\"0000000000000002.olean\"],\n"
            "  \"m\": false,\n"
            "  \"i\": \"0000000000000004.ilean\",\n"
            "  \"c\": \"0000000000000001.c\"}}");
  auto back = ParseCacheOutput(RenderCacheOutput(repo, mod));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->data, mod);
  EXPECT_EQ(*back->origin.service, "svc");
  EXPECT_EQ(back->origin.scope_key, "repo");
  auto bare = ParseCacheOutput("{\"o\":[\"0000000000000002.olean\"]}");
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare->bare);
  EXPECT_FALSE(ParseCacheOutput("{").ok());
}

}  // namespace
}  // namespace leancache::lake
