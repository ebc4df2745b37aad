#include "common/fs/confined_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace leancache::fs {
namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/confined_test_XXXXXX";
  char* d = mkdtemp(tmpl);
  EXPECT_NE(d, nullptr);
  char* r = realpath(d, nullptr);
  std::string out(r);
  free(r);
  return out;
}

TEST(SplitSafeRelativePath, AcceptsOrdinaryNames) {
  auto c = SplitSafeRelativePath("a/b/c.olean");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, (std::vector<std::string>{"a", "b", "c.olean"}));
  c = SplitSafeRelativePath("./a//b");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitSafeRelativePath("..foo/x..y").ok());
}

TEST(SplitSafeRelativePath, RefusesUnsafeNames) {
  for (const char* bad : {"", "/abs", "/", "../x", "a/../b", "a/..", "..", ".", "a/", "./"}) {
    auto c = SplitSafeRelativePath(bad);
    EXPECT_FALSE(c.ok()) << bad;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_FALSE(SplitSafeRelativePath(std::string("a\0b", 3)).ok());
}

TEST(ResolveConfinedPath, CreatesParentsInsideBase) {
  std::string base = MakeTempDir();
  auto p = ResolveConfinedPath(base, "x/y/z.txt", true);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p, base + "/x/y/z.txt");
  struct stat st;
  EXPECT_EQ(stat((base + "/x/y").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST(ResolveConfinedPath, CreatesMissingBase) {
  std::string base = MakeTempDir() + "/new/base";
  auto p = ResolveConfinedPath(base, "f", false);
  ASSERT_TRUE(p.ok());
  p = ResolveConfinedPath(base, "f", true);
  ASSERT_TRUE(p.ok()) << p.status();
  struct stat st;
  EXPECT_EQ(stat(base.c_str(), &st), 0);
}

TEST(ResolveConfinedPath, RefusesSymlinkEscape) {
  std::string base = MakeTempDir();
  std::string outside = MakeTempDir();
  ASSERT_EQ(symlink(outside.c_str(), (base + "/link").c_str()), 0);
  for (bool create : {false, true}) {
    auto p = ResolveConfinedPath(base, "link/evil.txt", create);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(std::string(p.status().message()).find("outside"), std::string::npos);
  }
  struct stat st;
  EXPECT_NE(stat((outside + "/evil.txt").c_str(), &st), 0);
}

TEST(ResolveConfinedPath, FollowsSymlinkInsideBase) {
  std::string base = MakeTempDir();
  ASSERT_EQ(mkdir((base + "/real").c_str(), 0755), 0);
  ASSERT_EQ(symlink("real", (base + "/alias").c_str()), 0);
  auto p = ResolveConfinedPath(base, "alias/f", true);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p, base + "/real/f");
}

TEST(ResolveConfinedPath, BaseItselfMayBeASymlink) {
  std::string real = MakeTempDir();
  std::string holder = MakeTempDir();
  std::string base = holder + "/b";
  ASSERT_EQ(symlink(real.c_str(), base.c_str()), 0);
  auto p = ResolveConfinedPath(base, "d/f", true);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p, real + "/d/f");
}

TEST(ResolveConfinedPath, ParentThatIsAFileIsAnError) {
  std::string base = MakeTempDir();
  FILE* f = fopen((base + "/file").c_str(), "w");
  fclose(f);
  EXPECT_FALSE(ResolveConfinedPath(base, "file/x", true).ok());
  ASSERT_EQ(mkdir((base + "/dir").c_str(), 0755), 0);
  EXPECT_FALSE(ResolveConfinedPath(base, "dir", true).ok());  // target is a directory
}

TEST(MakeDirs, CreatesNestedAndAcceptsExisting) {
  std::string base = MakeTempDir();
  EXPECT_TRUE(MakeDirs(base + "/a/b/c").ok());
  EXPECT_TRUE(MakeDirs(base + "/a/b/c").ok());
  FILE* f = fopen((base + "/file").c_str(), "w");
  fclose(f);
  EXPECT_FALSE(MakeDirs(base + "/file").ok());
}

}  // namespace
}  // namespace leancache::fs

namespace leancache::fs {
namespace {

TEST(ResolveConfinedPath, ReportsCreatedDirsForCleanup) {
  std::string root = MakeTempDir();
  ASSERT_EQ(mkdir((root + "/exists").c_str(), 0755), 0);
  std::vector<std::string> created;
  auto p = ResolveConfinedPath(root + "/base", "exists2/a/b/f", true, &created);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(created, (std::vector<std::string>{root + "/base", root + "/base/exists2",
                                               root + "/base/exists2/a",
                                               root + "/base/exists2/a/b"}));
  RemoveEmptyDirs(created);
  struct stat st;
  EXPECT_NE(stat((root + "/base").c_str(), &st), 0);
  EXPECT_EQ(stat((root + "/exists").c_str(), &st), 0);
}

}  // namespace
}  // namespace leancache::fs
