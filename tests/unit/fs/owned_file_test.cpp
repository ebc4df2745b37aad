// fs::OwnedFile: removed with its owner unless released; a move hands the file over.
#include "common/fs/owned_file.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace leancache::fs {
namespace {

using leancache::testing::TempDir;
using leancache::testing::WriteFile;

TEST(OwnedFile, RemovedWithItsOwner) {
  TempDir tmp;
  WriteFile(tmp / "a.part", "x");
  { OwnedFile f(tmp / "a.part"); }
  EXPECT_FALSE(std::filesystem::exists(tmp / "a.part"));
}

TEST(OwnedFile, ReleasedIsKept) {
  TempDir tmp;
  WriteFile(tmp / "a.part", "x");
  {
    OwnedFile f(tmp / "a.part");
    f.Release();
    EXPECT_TRUE(f.path().empty());
  }
  EXPECT_TRUE(std::filesystem::exists(tmp / "a.part"));
}

TEST(OwnedFile, MovesHandOverAndAssignmentRemovesTheOldFile) {
  TempDir tmp;
  WriteFile(tmp / "a.part", "x");
  WriteFile(tmp / "b.part", "y");
  OwnedFile a(tmp / "a.part");
  OwnedFile b(std::move(a));
  EXPECT_TRUE(a.path().empty());
  EXPECT_TRUE(std::filesystem::exists(tmp / "a.part"));
  OwnedFile c(tmp / "b.part");
  c = std::move(b);  // c's old file goes; it now owns a.part
  EXPECT_FALSE(std::filesystem::exists(tmp / "b.part"));
  EXPECT_EQ(c.path(), tmp / "a.part");
}

}  // namespace
}  // namespace leancache::fs
