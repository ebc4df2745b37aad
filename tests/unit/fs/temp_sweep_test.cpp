#include "common/fs/temp_sweep.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/fs/atomic_file.h"
#include "gtest/gtest.h"

namespace leancache::fs {
namespace {

class TempSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/temp_sweep_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Touch(const std::string& name, time_t mtime = 0) {
    std::string path = dir_ + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, "x", 1), 1);
    ::close(fd);
    if (mtime != 0) {
      struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
      EXPECT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    }
    return path;
  }
  bool Exists(const std::string& name) { return std::filesystem::exists(dir_ + "/" + name); }

  // A pid that certainly belongs to no process: a child that has exited and been reaped.
  static pid_t DeadPid() {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status;
    waitpid(pid, &status, 0);
    return pid;
  }

  std::string dir_;
};

TEST_F(TempSweepTest, NamesRoundTrip) {
  std::string path = TempName("/a/b", 4242, "Ab12cZ");
  EXPECT_EQ(path, "/a/b/.lctmp.4242.Ab12cZ");
  EXPECT_EQ(TempNameOwner(".lctmp.4242.Ab12cZ"), 4242);
}

TEST_F(TempSweepTest, OtherNamesAreNotTemporaries) {
  for (const char* name : {"Foo.olean", ".lctmp.", ".lctmp.12", ".lctmp.12.abc", ".lctmp.12.abcdefg",
                           ".lctmp.-12.abcdef", ".lctmp.012.abcdef", ".lctmp.x.abcdef", ".tmpabcdef",
                           "lctmp.12.abcdef", ".lctmp.0.abcdef"}) {
    EXPECT_EQ(TempNameOwner(name), -1) << name;
  }
}

TEST_F(TempSweepTest, AtomicFileUsesTheSweepableName) {
  auto f = AtomicFile::Create(dir_ + "/out.olean");
  ASSERT_TRUE(f.ok()) << f.status();
  std::string base = std::filesystem::path(f->temp_path()).filename().string();
  EXPECT_EQ(TempNameOwner(base), ::getpid()) << base;
}

TEST_F(TempSweepTest, RemovesOnlyTemporariesOfDeadProcesses) {
  pid_t dead = DeadPid();
  std::string dead_name = std::filesystem::path(TempName(dir_, dead, "aaaaaa")).filename();
  std::string mine = std::filesystem::path(TempName(dir_, ::getpid(), "bbbbbb")).filename();
  std::string init = std::filesystem::path(TempName(dir_, 1, "cccccc")).filename();  // alive
  Touch(dead_name);
  Touch(mine);
  Touch(init);
  Touch("Mathlib.olean");
  Touch(".tmpdddddd");
  auto removed = RemoveAbandonedTemps(dir_);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(Exists(dead_name));
  EXPECT_TRUE(Exists(mine));
  EXPECT_TRUE(Exists(init));
  EXPECT_TRUE(Exists("Mathlib.olean"));
  EXPECT_TRUE(Exists(".tmpdddddd"));
}

TEST_F(TempSweepTest, AnOldTemporaryOfALivePidIsAbandoned) {
  std::string old_name = std::filesystem::path(TempName(dir_, 1, "eeeeee")).filename();
  Touch(old_name, ::time(nullptr) - 2 * 24 * 3600);
  auto removed = RemoveAbandonedTemps(dir_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(Exists(old_name));
}

TEST_F(TempSweepTest, DirectoriesAndSymlinksAreLeftAlone) {
  pid_t dead = DeadPid();
  std::string as_dir = std::filesystem::path(TempName(dir_, dead, "ffffff")).filename();
  std::string as_link = std::filesystem::path(TempName(dir_, dead, "gggggg")).filename();
  std::filesystem::create_directory(dir_ + "/" + as_dir);
  std::filesystem::create_symlink("/etc/hostname", dir_ + "/" + as_link);
  auto removed = RemoveAbandonedTemps(dir_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
  EXPECT_TRUE(Exists(as_dir));
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ + "/" + as_link));
}

TEST_F(TempSweepTest, BelowWalksSubdirectoriesButNotSymlinks) {
  pid_t dead = DeadPid();
  std::filesystem::create_directories(dir_ + "/lib/lean/Mathlib/Data");
  std::filesystem::create_directories(dir_ + "/ir/Mathlib");
  std::filesystem::create_directories(dir_ + "/elsewhere");
  const std::string deep = TempName(dir_ + "/lib/lean/Mathlib/Data", dead, "hhhhhh");
  const std::string ir = TempName(dir_ + "/ir/Mathlib", dead, "iiiiii");
  const std::string live = TempName(dir_ + "/ir/Mathlib", ::getpid(), "jjjjjj");
  const std::string outside = TempName(dir_ + "/elsewhere", dead, "kkkkkk");
  for (const auto& p : {deep, ir, live, outside}) Touch(p.substr(dir_.size() + 1));
  Touch("lib/lean/Mathlib/Data/Nat.olean");
  std::filesystem::create_directory_symlink(dir_ + "/elsewhere", dir_ + "/lib/link");
  auto removed = RemoveAbandonedTempsBelow(dir_ + "/lib");
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(deep));
  EXPECT_TRUE(std::filesystem::exists(outside)) << "a symlinked directory is not followed";
  removed = RemoveAbandonedTempsBelow(dir_ + "/ir");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(ir));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(Exists("lib/lean/Mathlib/Data/Nat.olean"));
  auto none = RemoveAbandonedTempsBelow(dir_ + "/no/such/dir");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
}

TEST_F(TempSweepTest, AMissingDirectoryIsAnError) {
  auto removed = RemoveAbandonedTemps(dir_ + "/nope");
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.status().message().find("nope"), std::string::npos) << removed.status();
}

}  // namespace
}  // namespace leancache::fs
