#include "common/lake/lake_config.h"

#include <gtest/gtest.h>

#include "common/lake/staging_dir.h"
#include "tests/support/temp_dir.h"

namespace leancache::lake {
namespace {

TEST(LakeConfig, KindOrTypeAndDefaults) {
  auto c = ParseLakeConfig(R"(
cache.defaultService = "physlib-r2"
cache.defaultUploadService = "up"
[[cache.service]]
name = "physlib-r2"
kind = "s3"
artifactEndpoint = "https://lake-cache.physlib.io/artifacts"
revisionEndpoint = "https://lake-cache.physlib.io/revisions"
[[cache.service]]
name = "up"
type = "s3"
artifactEndpoint = "a"
revisionEndpoint = "r"
[[cache.service]]
name = "res"
kind = "reservoir"
apiEndpoint = "https://x/api/v0"
)", "config.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->default_service, "physlib-r2");
  EXPECT_EQ(c->default_upload_service, "up");
  ASSERT_EQ(c->services.size(), 3u);
  EXPECT_FALSE(c->Find("up")->reservoir);
  EXPECT_EQ(c->Find("up")->artifact_endpoint, "a");
  EXPECT_TRUE(c->Find("res")->reservoir);
  EXPECT_EQ(c->Find("res")->api_endpoint, "https://x/api/v0");
  EXPECT_EQ(c->Names(), "physlib-r2, up, res");
  EXPECT_EQ(c->Find("nope"), nullptr);
}

TEST(LakeConfig, Errors) {
  auto syntax = ParseLakeConfig("cache.defaultService = \n", "f.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("f.toml:1:"), std::string_view::npos) << syntax.status();
  EXPECT_FALSE(ParseLakeConfig("[[cache.service]]\nkind = \"s3\"\n", "f").ok());
  EXPECT_FALSE(ParseLakeConfig("[[cache.service]]\nname = \"a\"\nkind = \"ftp\"\n", "f").ok());
  EXPECT_FALSE(ParseLakeConfig("[[cache.service]]\nname = \"a\"\nkind = \"s3\"\n[[cache.service]]\nname = \"a\"\nkind = \"s3\"\n", "f").ok());
  auto empty = ParseLakeConfig("", "f");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->services.empty());
}

TEST(LakeConfig, PathAndMissingFile) {
  EXPECT_EQ(LakeConfigPath({{"LAKE_CONFIG", "/x.toml"}, {"HOME", "/h"}}), "/x.toml");
  EXPECT_EQ(LakeConfigPath({{"HOME", "/h"}}), "/h/.lake/config.toml");
  auto missing = LoadLakeConfig("/nonexistent/config.toml");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->services.empty());
}

}  // namespace
}  // namespace leancache::lake

#include "common/lake/package_info.h"

namespace leancache::lake {
namespace {

TEST(PackageInfo, TomlAndLean) {
  auto t = ParseLakefileToml("name = \"TauCeti\"\nplatformIndependent = true\n", "lakefile.toml");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "TauCeti");
  EXPECT_EQ(t->platform_independent, true);
  EXPECT_FALSE(t->fixed_toolchain);
  EXPECT_FALSE(ParseLakefileToml("version = 1\n", "f").ok());
  auto l = ScanLakefileLean("import Lake\nopen Lake DSL\n\npackage «my-pkg» where\n  fixedToolchain := true\n", "f");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->name, "my-pkg");
  EXPECT_TRUE(l->fixed_toolchain);
  EXPECT_EQ(l->platform_independent, std::nullopt);
  auto plain = ScanLakefileLean("package mathlib where\n  platformIndependent := false\n", "f");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->name, "mathlib");
  EXPECT_EQ(plain->platform_independent, false);
  EXPECT_FALSE(ScanLakefileLean("def x := 1\n", "f").ok());
  EXPECT_EQ(HostPlatformTarget().find("-unknown-linux-gnu") != std::string::npos, true);
}

}  // namespace
}  // namespace leancache::lake
