#include "common/lake/staging_dir.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace leancache::lake {
namespace {

void Touch(const std::filesystem::path& p) { std::ofstream(p) << "x"; }

TEST(StagingDir, ListsFlatRegularFiles) {
  testing::TempDir t;
  Touch(t / "outputs.jsonl");
  Touch(t / "0000000000000001.olean");
  auto l = ListStagingDir(t.path());
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->files, (std::vector<std::string>{"0000000000000001.olean", "outputs.jsonl"}));
  EXPECT_EQ(l->mappings, t / "outputs.jsonl");
}

TEST(StagingDir, RefusesSubdirsSymlinksAndMissingMappings) {
  testing::TempDir t;
  Touch(t / "outputs.jsonl");
  std::filesystem::create_directory(t / "sub");
  auto sub = ListStagingDir(t.path());
  ASSERT_FALSE(sub.ok());
  EXPECT_NE(sub.status().message().find("'sub' is not a regular file"), std::string_view::npos);
  std::filesystem::remove(t / "sub");
  std::filesystem::create_symlink("/etc/passwd", t / "0000000000000001.olean");
  EXPECT_FALSE(ListStagingDir(t.path()).ok());
  std::filesystem::remove(t / "0000000000000001.olean");
  std::filesystem::remove(t / "outputs.jsonl");
  EXPECT_TRUE(absl::IsNotFound(ListStagingDir(t.path()).status()));
  EXPECT_TRUE(absl::IsNotFound(ListStagingDir(t / "nope").status()));
}

}  // namespace
}  // namespace leancache::lake
