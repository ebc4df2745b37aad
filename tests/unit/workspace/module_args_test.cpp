#include "common/workspace/module_args.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

#include "tests/unit/workspace/temp_tree.h"

namespace leancache::workspace {
namespace {

using leancache::testing::ManifestWith;
using leancache::testing::TempTree;
using V = std::vector<std::string>;

class ModuleArgsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.Write("lake-manifest.json", ManifestWith({"batteries"}));
    t_.Write("Mathlib.lean", "");
    t_.Write("Mathlib/Algebra/Group.lean", "");
    t_.Write("Mathlib/Algebra/Group/Basic.lean", "");
    t_.Write("Mathlib/Algebra/Group/Defs.lean", "");
    t_.Write("Mathlib/Algebra/Ring/Basic.lean", "");
    t_.Write("Mathlib/Algebra/notes.txt", "");
    t_.Write("Archive/Imo/Imo1959Q1.lean", "");
    t_.Write("Archive.lean", "");
    t_.Write(".lake/packages/batteries/Batteries/Data/List.lean", "");
    auto ws = Workspace::Open(t_.root(), {});
    ASSERT_TRUE(ws.ok()) << ws.status();
    ws_.emplace(*std::move(ws));
  }

  absl::StatusOr<V> Resolve(V args, std::vector<std::string>* messages = nullptr) {
    return ResolveModuleArgs(*ws_, args, t_.root(), messages);
  }

  TempTree t_;
  std::optional<Workspace> ws_;
};

TEST_F(ModuleArgsTest, ModuleNames) {
  EXPECT_EQ(*Resolve({"Mathlib.Algebra.Group.Basic"}), V{"Mathlib.Algebra.Group.Basic"});
  EXPECT_EQ(*Resolve({"Archive"}), V{"Archive"});  // a bare word is a module, not a path
  EXPECT_EQ(*Resolve({"Mathlib.Does.Not.Exist"}), V{"Mathlib.Does.Not.Exist"});
  EXPECT_EQ(*Resolve({"A.«b c»"}), V{"A.«b c»"});
  EXPECT_EQ(*Resolve({"Archive", "Mathlib", "Archive"}), (V{"Archive", "Mathlib"}));
}

TEST_F(ModuleArgsTest, LeanFilePaths) {
  EXPECT_EQ(*Resolve({"Mathlib/Algebra/Group/Basic.lean"}), V{"Mathlib.Algebra.Group.Basic"});
  EXPECT_EQ(*Resolve({"./Mathlib/Algebra/Group/Basic.lean"}), V{"Mathlib.Algebra.Group.Basic"});
  EXPECT_EQ(*Resolve({"Archive.lean"}), V{"Archive"});
  EXPECT_EQ(*Resolve({(t_ / "Mathlib/Algebra/Group.lean").string()}), V{"Mathlib.Algebra.Group"});
  // Relative to a different cwd.
  auto r = ResolveModuleArgs(*ws_, V{"Group/Defs.lean"}, t_ / "Mathlib/Algebra", nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, V{"Mathlib.Algebra.Group.Defs"});
}

TEST_F(ModuleArgsTest, Folders) {
  std::vector<std::string> messages;
  auto r = Resolve({"Mathlib/Algebra/Group"}, &messages);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, (V{"Mathlib.Algebra.Group.Basic", "Mathlib.Algebra.Group.Defs"}));
  EXPECT_EQ(messages, V{"Searching directory Mathlib/Algebra/Group for .lean files"});
  messages.clear();
  r = Resolve({"Mathlib/Algebra/"}, &messages);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (V{"Mathlib.Algebra.Group", "Mathlib.Algebra.Group.Basic",
                   "Mathlib.Algebra.Group.Defs", "Mathlib.Algebra.Ring.Basic"}));
  EXPECT_EQ(messages, V{"Searching directory Mathlib/Algebra/ for .lean files"});
}

TEST_F(ModuleArgsTest, FoldersOutsideTheProjectAndNulBytesAreRefused) {
  // Found by the RPC fuzzer: "/\0...\017.lean" reached the kernel as "/" and walked the disk.
  auto r = Resolve({std::string("/\0\017.lean", 8)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "NUL byte")) << r.status();
  EXPECT_EQ(Resolve({"/"}).status().message(), "Invalid argument: directory outside the project: /");
  EXPECT_EQ(Resolve({"../"}).status().message(), "Invalid argument: directory outside the project: ../");
  EXPECT_TRUE(Resolve({"./"}).ok()) << Resolve({"./"}).status();  // the project itself is fine
}

TEST_F(ModuleArgsTest, Globs) {
  EXPECT_EQ(*Resolve({"Mathlib.Algebra.Group.+"}),
            (V{"Mathlib.Algebra.Group.Basic", "Mathlib.Algebra.Group.Defs"}));
  EXPECT_EQ(*Resolve({"Mathlib.Algebra.Group.*"}),
            (V{"Mathlib.Algebra.Group", "Mathlib.Algebra.Group.Basic", "Mathlib.Algebra.Group.Defs"}));
  EXPECT_EQ(*Resolve({"Mathlib.Algebra.Ring.*"}), V{"Mathlib.Algebra.Ring.Basic"});
  EXPECT_EQ(*Resolve({"Batteries.+"}), V{"Batteries.Data.List"});
}

TEST_F(ModuleArgsTest, Errors) {
  auto r = Resolve({"Mathlib/Nope.lean"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "Invalid argument: non-existing path Mathlib/Nope.lean");
  EXPECT_EQ(Resolve({"Mathlib/Nope"}).status().message(),
            "Invalid argument: non-existing path Mathlib/Nope");
  EXPECT_EQ(Resolve({"Foo..Bar"}).status().message(),
            "Invalid argument: expected path or module name, not Foo..Bar");
  EXPECT_EQ(Resolve({"1abc"}).status().message(),
            "Invalid argument: expected path or module name, not 1abc");
  EXPECT_EQ(Resolve({""}).status().message(), "Invalid argument: expected path or module name, not ");
  EXPECT_EQ(Resolve({"Mathlib.Topology.+"}).status().message(), "Invalid argument: Mathlib.Topology.+");
  EXPECT_EQ(Resolve({"Unknown.Root.*"}).status().message(), "Invalid argument: Unknown.Root.*");
  EXPECT_EQ(Resolve({"Mathlib", "--repo=x"}).status().message(),
            "Invalid argument: option must come before command --repo=x");
  EXPECT_EQ(Resolve({"-v"}).status().message(), "Invalid argument: option must come before command -v");
  EXPECT_EQ(Resolve({"Mathlib/Algebra/notes.txt"}).status().message(),
            "Invalid argument: expected path or module name, not Mathlib/Algebra/notes.txt");
  EXPECT_EQ(Resolve({".lake/packages/batteries/Batteries/Data/List.lean"}).status().message(),
            "Invalid argument: paths under .lake are not supported: "
            ".lake/packages/batteries/Batteries/Data/List.lean");
}

}  // namespace
}  // namespace leancache::workspace
