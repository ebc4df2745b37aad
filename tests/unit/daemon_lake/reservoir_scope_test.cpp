// The workspace dependencies a Reservoir get walks without --repo (lake-manifest.json, in
// manifest order, packagesDir and path packages respected) and the Reservoir scope Lake gives
// each: "<manifest scope>/<name>" under /packages/, with a repository scope's platform and
// toolchain defaults; a dependency without a scope is "not a Reservoir dependency".
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/lake/remote_urls.h"
#include "daemon/lake/lake_context.h"
#include "tests/support/temp_dir.h"

namespace leancache::lake {
namespace {

class ReservoirScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    Write("lakefile.toml", "name = \"ws\"\n");
    Write("lean-toolchain", "leanprover/lean4:v4.30.0\n");
  }

  void Write(const std::string& rel, const std::string& text) { testing::WriteFile(root_ / rel, text); }
  LakeContext Context() {
    LakeContext ctx;
    ctx.root = root_;
    ctx.cwd = root_;
    return ctx;
  }

  testing::TempDir dir_;
  std::filesystem::path root_;
};

TEST_F(ReservoirScopeTest, DependenciesInManifestOrderWithTheirDirectories) {
  Write("lake-manifest.json", R"({"version": "1.1.0", "packagesDir": "deps", "packages": [
    {"type": "git", "scope": "leanprover-community", "name": "batteries", "rev": "a"},
    {"type": "git", "scope": "", "name": "hello", "rev": "b", "subDir": "pkg"},
    {"type": "path", "name": "local", "dir": "../local"}]})");
  absl::StatusOr<std::vector<Dependency>> deps = WorkspaceDependencies(Context());
  ASSERT_TRUE(deps.ok()) << deps.status();
  ASSERT_EQ(deps->size(), 3u);
  EXPECT_EQ((*deps)[0].name, "batteries");
  EXPECT_EQ((*deps)[0].manifest_scope, "leanprover-community");
  EXPECT_EQ((*deps)[0].dir, root_ / "deps" / "batteries");
  EXPECT_EQ((*deps)[1].manifest_scope, "");
  EXPECT_EQ((*deps)[1].dir, root_ / "deps" / "hello" / "pkg");
  EXPECT_EQ((*deps)[2].dir, (root_ / ".." / "local").lexically_normal());
}

TEST_F(ReservoirScopeTest, NoManifestMeansNoDependenciesAndABadOneIsNamed) {
  absl::StatusOr<std::vector<Dependency>> none = WorkspaceDependencies(Context());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  Write("lake-manifest.json", "{\"packages\": 3}");
  absl::StatusOr<std::vector<Dependency>> bad = WorkspaceDependencies(Context());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("lake-manifest.json"), std::string::npos) << bad.status();
}

TEST_F(ReservoirScopeTest, ScopeIsManifestScopeSlashNameWithPlatformAndToolchain) {
  PackageTarget pkg;
  pkg.info.name = "batteries";
  pkg.manifest_scope = "leanprover-community";
  absl::StatusOr<RemoteScope> scope = ReservoirPackageScope(Context(), LakeArgs(), pkg);
  ASSERT_TRUE(scope.ok()) << scope.status();
  EXPECT_FALSE(scope->repo);
  EXPECT_EQ(scope->value, "leanprover-community/batteries");
  EXPECT_EQ(scope->platform, HostPlatformTarget());
  EXPECT_EQ(scope->toolchain, "leanprover/lean4:v4.30.0");
  EXPECT_EQ(ReservoirOutputsUrl("https://r/api/v1", *scope, "abc"),
            "https://r/api/v1/packages/leanprover-community/batteries/build-outputs?rev=abc&platform=" +
                UriEncode(HostPlatformTarget()) + "&toolchain=leanprover%2Flean4%3Av4.30.0");

  pkg.info.platform_independent = true;
  pkg.info.fixed_toolchain = true;
  LakeArgs args;
  args.values["toolchain"] = "v4.31.0";
  scope = ReservoirPackageScope(Context(), args, pkg);
  ASSERT_TRUE(scope.ok()) << scope.status();
  EXPECT_EQ(scope->platform, std::nullopt);
  EXPECT_EQ(scope->toolchain, "v4.31.0");  // given on the command line, it wins
}

TEST_F(ReservoirScopeTest, ADependencyWithoutAScopeIsNotFromReservoir) {
  PackageTarget pkg;
  pkg.info.name = "hello";
  absl::StatusOr<RemoteScope> scope = ReservoirPackageScope(Context(), LakeArgs(), pkg);
  ASSERT_FALSE(scope.ok());
  EXPECT_EQ(scope.status().message(), "hello: not a Reservoir dependency");
}

TEST_F(ReservoirScopeTest, PackageOptionTakesTheManifestEntry) {
  Write("lake-manifest.json", R"({"packagesDir": "deps", "packages": [
    {"type": "git", "scope": "owner", "name": "fixture", "rev": "a"}]})");
  Write("deps/fixture/lakefile.toml", "name = \"fixture\"\nplatformIndependent = true\n");
  LakeArgs args;
  args.values["package"] = "fixture";
  absl::StatusOr<PackageTarget> pkg = SelectPackage(Context(), args);
  ASSERT_TRUE(pkg.ok()) << pkg.status();
  EXPECT_EQ(pkg->dir, root_ / "deps" / "fixture");
  EXPECT_EQ(pkg->manifest_scope, "owner");
  EXPECT_EQ(pkg->info.platform_independent, true);
  args.values["package"] = "bogus";
  absl::StatusOr<PackageTarget> bogus = SelectPackage(Context(), args);
  ASSERT_FALSE(bogus.ok());
  EXPECT_NE(bogus.status().message().find("unknown package 'bogus'"), std::string::npos) << bogus.status();
}

}  // namespace
}  // namespace leancache::lake
