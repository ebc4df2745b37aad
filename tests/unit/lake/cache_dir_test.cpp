#include "common/lake/cache_dir.h"

#include <gtest/gtest.h>

namespace leancache::lake {
namespace {

CacheDirInputs In(std::map<std::string, std::string> env, std::optional<std::string> tc = std::nullopt) {
  CacheDirInputs in;
  in.env = std::move(env);
  in.workspace_root = "/ws";
  in.elan_toolchain = std::move(tc);
  in.elan_home = ElanHome(in.env);
  return in;
}

TEST(LakeCacheDir, Precedence) {
  EXPECT_EQ(ResolveLakeCacheDir(In({{"LAKE_CACHE_DIR", "/c"}, {"HOME", "/h"}}, "leanprover/lean4:v4.22.0")), "/c");
  EXPECT_EQ(ResolveLakeCacheDir(In({{"HOME", "/h"}}, "leanprover/lean4:v4.22.0")),
            "/h/.elan/toolchains/leanprover--lean4---v4.22.0/lake/cache");
  EXPECT_EQ(ResolveLakeCacheDir(In({{"ELAN_HOME", "/e"}, {"HOME", "/h"}}, "x:y")),
            "/e/toolchains/x---y/lake/cache");
  EXPECT_EQ(ResolveLakeCacheDir(In({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}})), "/x/lake");
  EXPECT_EQ(ResolveLakeCacheDir(In({{"HOME", "/h"}})), "/h/.cache/lake");
  EXPECT_EQ(ResolveLakeCacheDir(In({})), "/ws/.lake/cache");
}

TEST(LakeCacheDir, EmptyLakeCacheDirMeansWorkspaceCache) {
  EXPECT_EQ(ResolveLakeCacheDir(In({{"LAKE_CACHE_DIR", ""}, {"HOME", "/h"}}, "t")), "/ws/.lake/cache");
}

TEST(LakeCacheDir, ToolchainDirAndElanToolchain) {
  EXPECT_EQ(ToolchainDir("leanprover/lean4:v4.35.0-rc3"), "leanprover--lean4---v4.35.0-rc3");
  EXPECT_EQ(ElanToolchain({{"ELAN_TOOLCHAIN", "a/b:c"}}, "other"), "a/b:c");
  EXPECT_EQ(ElanToolchain({}, "leanprover/lean4:v4.9.0\n"), "leanprover/lean4:v4.9.0");
  EXPECT_EQ(ElanToolchain({}, std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace leancache::lake
