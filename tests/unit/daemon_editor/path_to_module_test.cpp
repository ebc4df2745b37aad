#include "daemon/editor/path_to_module.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace leancache::editor {
namespace {

namespace fs = std::filesystem;

class ModuleOfPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("lc-m2p-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (auto f : {"Mathlib.lean", "Mathlib/Algebra/Group.lean", "Extra/Thing.lean",
                   ".lake/packages/batteries/Batteries/Data.lean", ".lake/build/lib/X.lean", "README.md"}) {
      fs::create_directories((root_ / f).parent_path());
      std::ofstream(root_ / f) << "";
    }
    auto ws = workspace::Workspace::FromSearchPath(
        root_, {(root_ / ".lake/packages/batteries").string(), root_.string()});
    ASSERT_TRUE(ws.ok()) << ws.status();
    ws_.emplace(std::move(*ws));
  }
  void TearDown() override { fs::remove_all(root_); }

  absl::StatusOr<std::string> Of(const std::string& p, const fs::path& cwd = {}) {
    return ModuleOfPath(*ws_, p, cwd.empty() ? root_ : cwd);
  }

  fs::path root_;
  std::optional<workspace::Workspace> ws_;
};

TEST_F(ModuleOfPathTest, AbsoluteAndRelativePaths) {
  EXPECT_EQ(*Of((root_ / "Mathlib/Algebra/Group.lean").string()), "Mathlib.Algebra.Group");
  EXPECT_EQ(*Of("Mathlib/Algebra/Group.lean"), "Mathlib.Algebra.Group");
  EXPECT_EQ(*Of("Group.lean", root_ / "Mathlib/Algebra"), "Mathlib.Algebra.Group");
  EXPECT_EQ(*Of("Extra/Thing.lean"), "Extra.Thing");
}

TEST_F(ModuleOfPathTest, TheInnermostSearchEntryWins) {
  EXPECT_EQ(*Of(".lake/packages/batteries/Batteries/Data.lean"), "Batteries.Data");
}

TEST_F(ModuleOfPathTest, ModuleNames) {
  EXPECT_EQ(*Of("Mathlib.Algebra.Group"), "Mathlib.Algebra.Group");
  auto missing = Of("Mathlib.Nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("has no source file"), std::string::npos) << missing.status();
  auto unknown = Of("Nowhere.Thing");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("not a module of this project"), std::string::npos);
}

TEST_F(ModuleOfPathTest, PathsThatAreNotModules) {
  auto outside = Of("/etc/hostname.lean");
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.status().message().find("does not exist"), std::string::npos) << outside.status();
  auto build = Of(".lake/build/lib/X.lean");
  ASSERT_FALSE(build.ok());
  EXPECT_NE(build.status().message().find("under .lake"), std::string::npos) << build.status();
  auto readme = Of("README.md/");
  EXPECT_FALSE(readme.ok());
  auto gone = Of("Mathlib/Gone.lean");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("Mathlib/Gone.lean does not exist"), std::string::npos);
  fs::path elsewhere = root_.string() + "-elsewhere.lean";
  std::ofstream(elsewhere) << "";
  auto out = Of(elsewhere.string());
  fs::remove(elsewhere);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("not under any source directory"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace leancache::editor
