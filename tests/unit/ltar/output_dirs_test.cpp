// OutputDirs: output paths resolved once per directory and run, with the confinement rules of
// fs::ResolveConfinedPath, and a cache that recovers when a cached directory vanishes.
#include "common/ltar/output_dirs.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/ltar/unpacker.h"
#include "common/ltar/writer.h"
#include "tests/unit/ltar/ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::ReadOrDie;
using testing::TempDir;

TEST(OutputDirs, ResolvesCreatesAndReusesDirectories) {
  std::string base = TempDir();
  OutputDirs dirs;
  std::vector<std::string> created;
  auto a = dirs.Resolve(base, "x/y/a.olean", /*create=*/true, &created);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, base + "/x/y/a.olean");
  EXPECT_EQ(created, (std::vector<std::string>{base + "/x", base + "/x/y"}));
  // Same directory, other spellings: answered from the cache, nothing created again.
  created.clear();
  auto b = dirs.Resolve(base, "./x//y/b.olean", true, &created);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b, base + "/x/y/b.olean");
  EXPECT_TRUE(created.empty());
  // Unsafe names are refused before any cache lookup.
  EXPECT_FALSE(dirs.Resolve(base, "x/y/../../../evil", true).ok());
  EXPECT_FALSE(dirs.Resolve(base, "/abs", true).ok());
}

TEST(OutputDirs, ValidationStillRejectsDirectoryTargetsAndEscapes) {
  std::string base = TempDir();
  std::string outside = TempDir();
  OutputDirs dirs;
  ASSERT_TRUE(dirs.Resolve(base, "d/f", true).ok());
  ASSERT_EQ(mkdir((base + "/d/sub").c_str(), 0755), 0);
  auto r = dirs.Resolve(base, "d/sub", /*create=*/false);  // cached dir, target is a directory
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("is a directory"), std::string::npos);
  ASSERT_EQ(symlink(outside.c_str(), (base + "/link").c_str()), 0);
  r = dirs.Resolve(base, "link/evil", true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("outside"), std::string::npos) << r.status();
}

TEST(OutputDirs, SharedAcrossArchivesAndRecoversFromAVanishedDirectory) {
  std::string root = TempDir();
  std::string base = root + "/base";
  OutputDirs dirs;
  UnpackOptions options;
  options.dirs = &dirs;
  auto unpack = [&](const std::string& name, const std::string& content) {
    PackSource src;
    src.name = "m/" + name;
    src.content = content;
    auto built = BuildArchive("m/" + name + ".trace", "1234", {src});
    EXPECT_TRUE(built.ok()) << built.status();
    auto archive = Archive::Parse(built->bytes, name + ".ltar");
    EXPECT_TRUE(archive.ok()) << archive.status();
    return UnpackArchive(*archive, {base}, options);
  };
  auto r = unpack("a", "first");
  ASSERT_TRUE(r.ok()) << r.status();
  // The directory the cache knows disappears (a concurrent failed unpack removing its empty
  // directories would do that): the next archive re-creates it.
  ASSERT_EQ(system(("rm -rf " + base + "/m").c_str()), 0);
  r = unpack("b", "second");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(ReadOrDie(base + "/m/b"), "second");
  EXPECT_EQ(r->bytes_written, std::string("second").size() + ReadOrDie(base + "/m/b.trace").size());
}

}  // namespace
}  // namespace leancache::ltar
