// The output store (daemon/outstore) and the clone primitive under it: entries built once and
// placed into several projects, projects independent of each other, the trace placed last,
// copying where reflinks are refused, and pruning.
#include "daemon/outstore/output_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "common/fs/clone_file.h"
#include "common/fs/fd.h"
#include "common/ltar/writer.h"
#include "daemon/outstore/placement.h"
#include "daemon/outstore/store_prune.h"
#include "daemon/outstore/store_settings.h"
#include "tests/support/temp_dir.h"

namespace leancache::outstore {
namespace {

using leancache::testing::ReadFile;
using leancache::testing::TempDir;
using leancache::testing::WriteFile;

constexpr char kShaA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kShaB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// A small real archive for module `name`: trace, .olean, .ilean.
std::filesystem::path WriteArchive(const std::filesystem::path& dir, const std::string& name) {
  std::vector<ltar::PackSource> items;
  items.push_back({ltar::PackSource::Kind::kFile, 0, ".lake/build/lib/lean/" + name + ".olean",
                   "olean bytes of " + name + std::string(5000, 'x')});
  items.push_back({ltar::PackSource::Kind::kFile, 0, ".lake/build/lib/lean/" + name + ".ilean",
                   "{\"ilean\":\"" + name + "\"}"});
  auto built = ltar::BuildArchive(".lake/build/lib/lean/" + name + ".trace", "{\"depHash\":\"1234\"}", items);
  EXPECT_TRUE(built.ok()) << built.status();
  auto path = dir / (name + ".ltar");
  WriteFile(path, built.ok() ? built->bytes : "");
  return path;
}

OutputStore& StoreAt(const std::filesystem::path& root) {
  auto store = OutputStore::At(root);
  EXPECT_TRUE(store.ok()) << store.status();
  return **store;
}

bool IsTmpfs(const std::filesystem::path& p) {
  struct statfs st;
  return ::statfs(p.c_str(), &st) == 0 && st.f_type == 0x01021994;  // TMPFS_MAGIC
}

TEST(CloneFile, FallsBackToCopyWhereReflinksAreRefused) {
  // tmpfs has no FICLONE (EOPNOTSUPP): the bytes must still arrive, by a copy.
  if (!IsTmpfs("/dev/shm")) GTEST_SKIP() << "/dev/shm is not a tmpfs here";
  char tmpl[] = "/dev/shm/leancache-clone-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  std::string bytes(3 << 20, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7919 % 251);
  WriteFile(dir / "src", bytes);
  fs::Fd src(::open((dir / "src").c_str(), O_RDONLY));
  fs::Fd dst(::open((dir / "dst").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
  auto method = fs::CloneFileContents(src.get(), dst.get(), "dst");
  ASSERT_TRUE(method.ok()) << method.status();
  EXPECT_NE(*method, fs::CloneMethod::kReflink);
  dst.Reset();
  EXPECT_EQ(ReadFile(dir / "dst"), bytes);
  std::filesystem::remove_all(dir);
}

TEST(CloneFile, CopyWhenReflinkIsNotAllowed) {
  TempDir tmp;
  WriteFile(tmp / "src", "some bytes");
  fs::Fd src(::open((tmp / "src").c_str(), O_RDONLY));
  fs::Fd dst(::open((tmp / "dst").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
  auto method = fs::CloneFileContents(src.get(), dst.get(), "dst", fs::CloneOptions{false});
  ASSERT_TRUE(method.ok()) << method.status();
  EXPECT_NE(*method, fs::CloneMethod::kReflink);
  dst.Reset();
  EXPECT_EQ(ReadFile(tmp / "dst"), "some bytes");
}

TEST(OutputStore, BuildsOnceAndPlacesIntoTwoProjects) {
  TempDir tmp;
  auto archive = WriteArchive(tmp.path(), "Mathlib.Foo");
  OutputStore& store = StoreAt(tmp / "store");
  auto entry = store.Ensure(archive, kShaA);
  ASSERT_TRUE(entry.ok()) << entry.status();
  ASSERT_EQ(entry->files.size(), 3u);
  EXPECT_EQ(entry->files.back(), ".lake/build/lib/lean/Mathlib.Foo.trace");  // placed last
  EXPECT_GT(entry->bytes, 5000u);
  // The store's files are read-only.
  struct stat st;
  ASSERT_EQ(::stat((entry->dir / "files" / entry->files[0]).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u);

  // A second Ensure finds the entry, even when the archive is gone.
  std::filesystem::remove(archive);
  auto again = store.Ensure(archive, kShaA);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->files, entry->files);

  for (const char* project : {"a", "b"}) {
    auto placed = Place(*entry, tmp / project, PlaceOptions{});
    ASSERT_TRUE(placed.ok()) << placed.status();
    ASSERT_EQ(placed->written.size(), 3u);
    EXPECT_EQ(std::filesystem::path(placed->written.back()).filename(), "Mathlib.Foo.trace");
    EXPECT_EQ(ReadFile(tmp / project / ".lake/build/lib/lean/Mathlib.Foo.ilean"), "{\"ilean\":\"Mathlib.Foo\"}");
    EXPECT_EQ(placed->by_method[0] + placed->by_method[1] + placed->by_method[2], 3u);
  }
}

TEST(OutputStore, RewritingAFileInOneProjectLeavesTheOtherAndTheStoreUnchanged) {
  TempDir tmp;
  auto archive = WriteArchive(tmp.path(), "Mathlib.Bar");
  OutputStore& store = StoreAt(tmp / "store");
  auto entry = store.Ensure(archive, kShaA);
  ASSERT_TRUE(entry.ok()) << entry.status();
  ASSERT_TRUE(Place(*entry, tmp / "a", PlaceOptions{}).ok());
  ASSERT_TRUE(Place(*entry, tmp / "b", PlaceOptions{}).ok());
  const auto olean = std::filesystem::path(".lake/build/lib/lean/Mathlib.Bar.olean");
  const std::string original = ReadFile(tmp / "b" / olean);
  ASSERT_FALSE(original.empty());
  {  // a build in project A rewrites its olean in place (same inode, O_WRONLY without O_TRUNC)
    fs::Fd fd(::open((tmp / "a" / olean).c_str(), O_WRONLY));
    ASSERT_TRUE(fd.valid()) << strerror(errno);
    ASSERT_TRUE(fs::WriteAll(fd.get(), "REBUILT", "a").ok());
  }
  {  // ... and appends to its ilean
    std::ofstream out(tmp / "a" / ".lake/build/lib/lean/Mathlib.Bar.ilean", std::ios::app);
    out << "more";
  }
  EXPECT_EQ(ReadFile(tmp / "a" / olean).substr(0, 7), "REBUILT");
  EXPECT_EQ(ReadFile(tmp / "b" / olean), original);
  EXPECT_EQ(ReadFile(entry->dir / "files" / olean), original);
  EXPECT_EQ(ReadFile(tmp / "b" / ".lake/build/lib/lean/Mathlib.Bar.ilean"), "{\"ilean\":\"Mathlib.Bar\"}");
  // A third project placed after the rewrite gets the original bytes.
  ASSERT_TRUE(Place(*entry, tmp / "c", PlaceOptions{}).ok());
  EXPECT_EQ(ReadFile(tmp / "c" / olean), original);
}

TEST(OutputStore, PlacementOfAPrunedEntryFailsWithoutTouchingTheProject) {
  TempDir tmp;
  auto archive = WriteArchive(tmp.path(), "Mathlib.Baz");
  OutputStore& store = StoreAt(tmp / "store");
  auto entry = store.Ensure(archive, kShaA);
  ASSERT_TRUE(entry.ok()) << entry.status();
  WriteFile(tmp / "p/.lake/build/lib/lean/Mathlib.Baz.trace", "old trace");
  std::filesystem::remove(entry->dir / "files" / entry->files[1]);  // half of the entry is gone
  auto placed = Place(*entry, tmp / "p", PlaceOptions{});
  EXPECT_FALSE(placed.ok());
  EXPECT_EQ(ReadFile(tmp / "p/.lake/build/lib/lean/Mathlib.Baz.trace"), "old trace");
  EXPECT_FALSE(std::filesystem::exists(tmp / "p/.lake/build/lib/lean/Mathlib.Baz.olean"));
  for (const auto& e : std::filesystem::directory_iterator(tmp / "p/.lake/build/lib/lean")) {
    EXPECT_EQ(e.path().filename(), "Mathlib.Baz.trace") << "left behind: " << e.path();
  }
}

TEST(OutputStore, CorruptArchiveBuildsNoEntry) {
  TempDir tmp;
  WriteFile(tmp / "bad.ltar", "not an archive at all");
  OutputStore& store = StoreAt(tmp / "store");
  EXPECT_FALSE(store.Ensure(tmp / "bad.ltar", kShaA).ok());
  EXPECT_FALSE(std::filesystem::exists(store.ObjectsDir() / kShaA));
  EXPECT_TRUE(std::filesystem::is_empty(store.TempDir()));
}

TEST(OutputStore, PruneDropsOrphansThenLeastRecentlyUsed) {
  TempDir tmp;
  OutputStore& store = StoreAt(tmp / "store");
  const std::string c(64, 'c');
  ASSERT_TRUE(store.Ensure(WriteArchive(tmp.path(), "M.A"), kShaA).ok());
  ASSERT_TRUE(store.Ensure(WriteArchive(tmp.path(), "M.B"), kShaB).ok());
  ASSERT_TRUE(store.Ensure(WriteArchive(tmp.path(), "M.C"), c).ok());
  // B is the least recently used: A and C are used "later".
  struct timespec times[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (store.ObjectsDir() / kShaB).c_str(), times, 0), 0);
  auto usage = CountUsage(store);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->entries, 3u);
  EXPECT_EQ(store.KnownBytes(), usage->bytes);
  const uint64_t one = usage->bytes / 3;

  // C is an orphan (its archive is gone); then room for one entry: B (LRU) goes, A stays.
  auto report = Prune(store, [&c](const std::string& sha) { return sha == c; }, one + one / 2);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, 2u);
  EXPECT_EQ(report->left.entries, 1u);
  EXPECT_TRUE(store.Find(kShaA).ok());
  EXPECT_TRUE(absl::IsNotFound(store.Find(kShaB).status()));
  EXPECT_TRUE(absl::IsNotFound(store.Find(c).status()));
  EXPECT_EQ(store.KnownBytes(), report->left.bytes);
}

TEST(OutputStore, SweepRemovesTemporariesOfDeadProcesses) {
  TempDir tmp;
  OutputStore& store = StoreAt(tmp / "store");
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::create_directories(store.TempDir() / (std::string(kShaA) + "." + std::to_string(pid) + ".0/files"));
  std::filesystem::create_directories(store.TempDir() / (std::string(kShaB) + "." + std::to_string(getpid()) + ".0"));
  EXPECT_EQ(SweepTemps(store), 1u);
  EXPECT_TRUE(std::filesystem::exists(store.TempDir() / (std::string(kShaB) + "." + std::to_string(getpid()) + ".0")));
}

TEST(StoreSettings, ModesAndRoots) {
  nlohmann::json none = nlohmann::json::object();
  auto s = ResolveStoreSettings(none, {{"HOME", "/home/u"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->mode, StoreMode::kAuto);
  EXPECT_EQ(s->root, "/home/u/.cache/leancache/outputs");
  s = ResolveStoreSettings(none, {{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/x"}});
  EXPECT_EQ(s->root, "/x/leancache/outputs");
  s = ResolveStoreSettings({{"output_store", "off"}, {"output_store_dir", "/s"}}, {{"HOME", "/h"}});
  EXPECT_EQ(s->mode, StoreMode::kOff);
  EXPECT_EQ(s->root, "/s");
  s = ResolveStoreSettings({{"output_store", "off"}},
                           {{"LEANCACHE_OUTPUT_STORE", "on"}, {"LEANCACHE_OUTPUT_STORE_DIR", "/e"}});
  EXPECT_EQ(s->mode, StoreMode::kOn);
  EXPECT_EQ(s->root, "/e");
  EXPECT_FALSE(ResolveStoreSettings(none, {{"LEANCACHE_OUTPUT_STORE", "sometimes"}}).ok());
  EXPECT_FALSE(ResolveStoreSettings(none, {{"LEANCACHE_OUTPUT_STORE_DIR", "relative"}}).ok());
  EXPECT_EQ(ResolveStoreSettings(none, {})->mode, StoreMode::kOff);  // no root at all
}

TEST(StoreSettings, NoReflinkProbeSucceedsOnTmpfs) {
  if (!IsTmpfs("/dev/shm")) GTEST_SKIP() << "/dev/shm is not a tmpfs here";
  char tmpl[] = "/dev/shm/leancache-probe-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  OutputStore& store = StoreAt(dir / "store");
  std::filesystem::create_directories(dir / "project");
  EXPECT_FALSE(ReflinkWorks(store.root(), dir / "project"));
  EXPECT_TRUE(std::filesystem::is_empty(dir / "project"));  // the probe leaves nothing behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace leancache::outstore
