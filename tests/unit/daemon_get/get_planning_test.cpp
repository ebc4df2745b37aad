// Tests for the get job's planning pieces: the downstream checks of spec §5.1 and the unpack
// skip rule / root-hash record of §6.3 (#42660), on real files in temp directories.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/workspace/workspace.h"
#include "daemon/get/downstream_checks.h"
#include "daemon/get/unpack_plan.h"

namespace leancache::get {
namespace {

namespace fs = std::filesystem;

class TempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lc-get-test.XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  static std::string Manifest(const std::string& batteries_rev, bool with_mathlib) {
    std::string pkgs =
        R"({"type":"git","name":"batteries","url":"https://github.com/leanprover-community/batteries","rev":")" +
        batteries_rev + R"(","inputRev":"main","scope":"leanprover-community","subDir":null,"inherited":true,"configFile":"lakefile.toml","manifestFile":"lake-manifest.json"})";
    if (with_mathlib) {
      pkgs += R"(,{"type":"git","name":"mathlib","url":"https://github.com/leanprover-community/mathlib4","rev":"abc","inputRev":"master","scope":"leanprover-community","subDir":null,"inherited":false,"configFile":"lakefile.lean","manifestFile":"lake-manifest.json"})";
    }
    return R"({"version":"1.1.0","packagesDir":".lake/packages","packages":[)" + pkgs +
           R"(],"name":"proj","lakeDir":".lake"})";
  }
  // A downstream project with Mathlib in .lake/packages/mathlib.
  void MakeDownstream(const std::string& my_toolchain, const std::string& my_batteries) {
    Write("lean-toolchain", my_toolchain + "\n");
    Write("lake-manifest.json", Manifest(my_batteries, true));
    Write("Proj.lean", "import Mathlib\n");
    Write(".lake/packages/mathlib/Mathlib.lean", "");
    Write(".lake/packages/mathlib/lakefile.lean", "-- lakefile\n");
    Write(".lake/packages/mathlib/lean-toolchain", "leanprover/lean4:v4.32.0-rc1\n");
    Write(".lake/packages/mathlib/lake-manifest.json", Manifest("1111111111111111", false));
    Write(".lake/packages/batteries/Batteries.lean", "");
  }
  workspace::Workspace Open() {
    auto ws = workspace::Workspace::Open(root_, {});
    EXPECT_TRUE(ws.ok()) << ws.status();
    return std::move(*ws);
  }
  fs::path root_;
};

TEST_F(TempTree, DownstreamWithMatchingPinsPasses) {
  MakeDownstream("leanprover/lean4:v4.32.0-rc1", "1111111111111111");
  auto outcome = CheckDownstream(Open());
  EXPECT_TRUE(outcome.ok);
  EXPECT_TRUE(outcome.stdout_lines.empty());
  EXPECT_TRUE(outcome.stderr_lines.empty());
}

TEST_F(TempTree, ToolchainMismatchStopsWithTheOriginalMessage) {
  MakeDownstream("leanprover/lean4:v4.31.0", "1111111111111111");
  auto outcome = CheckDownstream(Open());
  ASSERT_FALSE(outcome.ok);
  ASSERT_FALSE(outcome.stdout_lines.empty());
  EXPECT_EQ(outcome.stdout_lines[0], "Dependency Mathlib uses a different lean-toolchain");
}

TEST_F(TempTree, DifferentDependencyPinStopsNamingThePackage) {
  MakeDownstream("leanprover/lean4:v4.32.0-rc1", "2222222222222222");
  auto outcome = CheckDownstream(Open());
  ASSERT_FALSE(outcome.ok);
  ASSERT_GE(outcome.stderr_lines.size(), 2u);
  EXPECT_EQ(outcome.stderr_lines[0],
            "Warning: your project pins different versions of some dependencies than Mathlib.");
  EXPECT_EQ(outcome.stderr_lines[1], "  batteries: project 222222222222, mathlib 111111111111");
}

TEST_F(TempTree, MathlibItselfSkipsTheChecks) {
  Write("Mathlib.lean", "");
  Write("Mathlib/Init.lean", "");
  Write("lean-toolchain", "leanprover/lean4:v4.32.0-rc1\n");
  Write("lakefile.lean", "");
  Write("lake-manifest.json", Manifest("1111111111111111", false));
  Write(".lake/packages/batteries/Batteries.lean", "");
  EXPECT_TRUE(CheckDownstream(Open()).ok);
}

TEST_F(TempTree, AlreadyUnpackedComparesHeaderAndTraceDepHash) {
  keys::ModuleEntry entry;
  entry.package_dir = root_;
  entry.relative = "Mathlib/X";
  std::string header("LTR3", 4);
  uint64_t dep = 0x0123456789abcdefULL;
  for (int i = 0; i < 8; ++i) header.push_back(static_cast<char>((dep >> (8 * i)) & 0xff));
  header += std::string(".lake/build/lib/lean/Mathlib/X.trace") + '\0';
  Write("cache/x.ltar", header);
  const fs::path archive = root_ / "cache/x.ltar";
  DepHashCache cache;
  EXPECT_FALSE(AlreadyUnpacked(archive, entry, cache)) << "no trace yet";
  Write(".lake/build/lib/lean/Mathlib/X.trace", R"({"depHash":"0123456789abcdef"})");
  EXPECT_TRUE(AlreadyUnpacked(archive, entry, cache));
  Write(".lake/build/lib/lean/Mathlib/X.trace", R"({"depHash":"0123456789abcdee"})");
  EXPECT_FALSE(AlreadyUnpacked(archive, entry, cache)) << "different depHash";
  Write(".lake/build/lib/lean/Mathlib/X.trace", R"({"depHash":"123"})");
  EXPECT_FALSE(AlreadyUnpacked(archive, entry, cache)) << "not 16 hex digits";
  Write(".lake/build/lib/lean/Mathlib/X.trace", "");
  EXPECT_FALSE(AlreadyUnpacked(archive, entry, cache)) << "empty trace";
  Write("cache/x.ltar", "XXXX");
  Write(".lake/build/lib/lean/Mathlib/X.trace", R"({"depHash":"0123456789abcdef"})");
  EXPECT_FALSE(AlreadyUnpacked(archive, entry, cache)) << "bad archive header";
}

TEST_F(TempTree, RootHashRecordRoundTrips) {
  EXPECT_FALSE(ReadRootHashRecord(root_).has_value());
  ASSERT_TRUE(WriteRootHashRecord(root_, 0x00ab00cd00ef0012ULL).ok());
  auto read = ReadRootHashRecord(root_);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, 0x00ab00cd00ef0012ULL);
  Write(".lake/build/.mathlib-cache-roothash", "garbage\n");
  EXPECT_FALSE(ReadRootHashRecord(root_).has_value());
}

TEST_F(TempTree, MathlibPackageUnpacksIntoTheDependencyDir) {
  keys::ModuleEntry mathlib_module, batteries_module;
  fs::path d = root_ / ".lake/packages/mathlib";
  mathlib_module.package_dir = d;
  batteries_module.package_dir = root_ / ".lake/packages/batteries";
  EXPECT_EQ(UnpackBase(mathlib_module, root_, d), d);
  EXPECT_EQ(UnpackBase(batteries_module, root_, d), root_);
}

}  // namespace
}  // namespace leancache::get
