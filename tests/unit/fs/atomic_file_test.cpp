#include "common/fs/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/fs/fd.h"
#include "gtest/gtest.h"

namespace leancache::fs {
namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/fs_test_XXXXXX";
  char* d = mkdtemp(tmpl);
  EXPECT_NE(d, nullptr);
  return d;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  return out;
}

TEST(AtomicFile, CommitRenamesIntoPlace) {
  std::string dir = MakeTempDir();
  std::string target = dir + "/out.bin";
  {
    auto f = AtomicFile::Create(target);
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_TRUE(f->Write("hello ").ok());
    ASSERT_TRUE(f->Write("world").ok());
    EXPECT_EQ(ListDir(dir).size(), 1u);  // only the temp file
    EXPECT_NE(f->temp_path(), target);
    ASSERT_TRUE(f->Commit().ok());
    EXPECT_FALSE(f->Commit().ok());  // second commit is an error
  }
  auto content = ReadFile(target);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello world");
  EXPECT_EQ(ListDir(dir), std::vector<std::string>{"out.bin"});
}

TEST(AtomicFile, DestructorRemovesUncommittedTemp) {
  std::string dir = MakeTempDir();
  {
    auto f = AtomicFile::Create(dir + "/x");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("partial").ok());
  }
  EXPECT_TRUE(ListDir(dir).empty());
}

TEST(AtomicFile, ReplacesExistingFileAtomically) {
  std::string dir = MakeTempDir();
  std::string target = dir + "/t";
  {
    auto f = AtomicFile::Create(target);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("old").ok());
    ASSERT_TRUE(f->Commit().ok());
  }
  {
    auto f = AtomicFile::Create(target);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("new").ok());
    EXPECT_EQ(*ReadFile(target), "old");  // unchanged until commit
    ASSERT_TRUE(f->Commit().ok());
  }
  EXPECT_EQ(*ReadFile(target), "new");
}

TEST(AtomicFile, MoveTransfersOwnership) {
  std::string dir = MakeTempDir();
  auto f = AtomicFile::Create(dir + "/m");
  ASSERT_TRUE(f.ok());
  AtomicFile moved = *std::move(f);
  ASSERT_TRUE(moved.Write("x").ok());
  ASSERT_TRUE(moved.Commit().ok());
  EXPECT_EQ(*ReadFile(dir + "/m"), "x");
}

TEST(AtomicFile, ModeHonoursUmask) {
  std::string dir = MakeTempDir();
  mode_t old = umask(022);
  AtomicFile::Options o;
  o.mode = 0666;
  o.fsync = false;
  auto f = AtomicFile::Create(dir + "/p", o);
  umask(old);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Commit().ok());
  struct stat st;
  ASSERT_EQ(stat((dir + "/p").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
  auto f = AtomicFile::Create("/nonexistent-dir-xyz/file");
  EXPECT_FALSE(f.ok());
}

TEST(Fd, ReadFileNotFoundNamesPath) {
  auto r = ReadFile("/nonexistent-file-xyz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(r.status().message()).find("/nonexistent-file-xyz not found"),
            std::string::npos);
}

TEST(Fd, ReadFileRespectsLimit) {
  std::string dir = MakeTempDir();
  auto f = AtomicFile::Create(dir + "/big");
  ASSERT_TRUE(f->Write(std::string(100, 'a')).ok());
  ASSERT_TRUE(f->Commit().ok());
  EXPECT_EQ(ReadFile(dir + "/big", 99).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ReadFile(dir + "/big", 100).ok());
}

}  // namespace
}  // namespace leancache::fs
