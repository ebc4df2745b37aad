#include "daemon/watch/dir_watch_hub.h"

#include <unistd.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace leancache::watch {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::unique_ptr<DirWatchHub> NewHub() {
  auto hub = DirWatchHub::Create();
  EXPECT_TRUE(hub.ok()) << hub.status();
  return std::move(*hub);
}

TEST(DirWatchHub, NothingChangedKeepsTheGeneration) {
  TempDir tmp;
  WriteFile(tmp / "a/A.lean", "import B\n");
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "a"});
  auto g = set->TrustedGeneration();
  ASSERT_TRUE(g.has_value());
  ASSERT_TRUE(std::filesystem::exists(tmp / "a/A.lean"));  // reading metadata is not a change
  EXPECT_EQ(set->TrustedGeneration(), g);
}

TEST(DirWatchHub, AWriteIsSeenByTheVeryNextCall) {
  TempDir tmp;
  WriteFile(tmp / "a/A.lean", "import B\n");
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "a"});
  uint64_t g = set->Generation();
  WriteFile(tmp / "a/A.lean", "import C\n");  // no sleep: the drain is synchronous
  EXPECT_GT(set->Generation(), g);
  EXPECT_TRUE(set->trusted());
}

TEST(DirWatchHub, CreateRenameDeleteAndChmodAreChanges) {
  TempDir tmp;
  WriteFile(tmp / "d/x", "1");
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "d"});
  uint64_t g = set->Generation();
  WriteFile(tmp / "d/new", "2");
  EXPECT_GT(set->Generation(), g);
  g = set->Generation();
  std::filesystem::rename(tmp / "d/new", tmp / "d/renamed");
  EXPECT_GT(set->Generation(), g);
  g = set->Generation();
  std::filesystem::remove(tmp / "d/renamed");
  EXPECT_GT(set->Generation(), g);
  g = set->Generation();
  std::filesystem::permissions(tmp / "d/x", std::filesystem::perms::owner_read);
  EXPECT_GT(set->Generation(), g);
}

TEST(DirWatchHub, ChangesInOtherDirectoriesDoNotCount) {
  TempDir tmp;
  WriteFile(tmp / "watched/x", "1");
  WriteFile(tmp / "other/y", "1");
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "watched"});
  uint64_t g = set->Generation();
  WriteFile(tmp / "other/y", "2");
  WriteFile(tmp / "watched/sub/z", "3");  // creating `sub` is a change of `watched` ...
  uint64_t after_create = set->Generation();
  EXPECT_GT(after_create, g);
  WriteFile(tmp / "watched/sub/z", "4");  // ... but writes inside the subtree are not watched
  EXPECT_EQ(set->Generation(), after_create);
}

TEST(DirWatchHub, DeletingAWatchedDirectoryMakesTheSetUntrusted) {
  TempDir tmp;
  WriteFile(tmp / "d/x", "1");
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "d"});
  EXPECT_TRUE(set->trusted());
  std::filesystem::remove_all(tmp / "d");
  EXPECT_FALSE(set->trusted());
  EXPECT_FALSE(set->TrustedGeneration().has_value());
}

TEST(DirWatchHub, AMissingDirectoryMakesTheSetUntrusted) {
  TempDir tmp;
  auto hub = NewHub();
  auto set = hub->Watch({tmp / "does-not-exist"});
  EXPECT_FALSE(set->trusted());
}

TEST(DirWatchHub, SetsShareWatchesAndReleaseThemIndependently) {
  TempDir tmp;
  WriteFile(tmp / "d/x", "1");
  auto hub = NewHub();
  auto a = hub->Watch({tmp / "d"});
  {
    auto b = hub->Watch({tmp / "d"});
    EXPECT_EQ(hub->watched_dirs(), 1u);
  }
  EXPECT_EQ(hub->watched_dirs(), 1u);  // still watched for `a`
  uint64_t g = a->Generation();
  WriteFile(tmp / "d/x", "2");
  EXPECT_GT(a->Generation(), g);
  EXPECT_TRUE(a->trusted());
  a.reset();
  EXPECT_EQ(hub->watched_dirs(), 0u);
}

TEST(DirWatchHub, DirsCoveringUsesParentsNearestExistingAncestorsAndLinkTargets) {
  TempDir tmp;
  WriteFile(tmp / "src/A.lean", "");
  WriteFile(tmp / "elsewhere/B.lean", "");
  std::filesystem::create_symlink(tmp / "elsewhere/B.lean", tmp / "src/B.lean");
  auto dirs = DirWatchHub::DirsCovering({(tmp / "src/A.lean").string(), (tmp / "src/B.lean").string(),
                                         (tmp / "missing/deeper/C.lean").string()});
  EXPECT_TRUE(dirs.count(tmp / "src"));
  EXPECT_TRUE(dirs.count(std::filesystem::canonical(tmp / "elsewhere")));
  EXPECT_TRUE(dirs.count(tmp.path()));  // nearest existing ancestor of missing/deeper
  EXPECT_EQ(dirs.size(), 3u);

  // Editing the link's target is seen through the covering set.
  auto hub = NewHub();
  auto set = hub->Watch(dirs);
  uint64_t g = set->Generation();
  WriteFile(tmp / "elsewhere/B.lean", "changed");
  EXPECT_GT(set->Generation(), g);
  // So is creating the missing directory.
  g = set->Generation();
  std::filesystem::create_directories(tmp / "missing");
  EXPECT_GT(set->Generation(), g);
}

}  // namespace
}  // namespace leancache::watch
