// Robustness of the reader/unpacker: truncation at every byte offset, path traversal,
// symlink escape, decompression bombs, corrupt payloads — always a clean error, never partial
// output.
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <string>

#include "common/fs/atomic_file.h"
#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "common/ltar/writer.h"
#include "common/ltar/zstd_codec.h"
#include "ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::ReadOrDie;
using testing::ReadTree;
using testing::TempDir;
using testing::VectorPath;

void WriteFileOrDie(const std::string& path, std::string_view data) {
  auto f = fs::AtomicFile::Create(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE(f->Write(data).ok());
  ASSERT_TRUE(f->Commit().ok());
}

std::string V3Trace() {
  return "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"00000000000000aa\",\"outputs\":{}}";
}

std::string BuildOrDie(const std::vector<PackSource>& items, std::string trace_name = "t.trace",
                       std::string trace = V3Trace()) {
  auto b = BuildArchive(trace_name, trace, items);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? b->bytes : std::string();
}

PackSource Src(std::string name, std::string content, uint8_t base = 0) {
  return PackSource{PackSource::Kind::kFile, base, std::move(name), std::move(content)};
}

absl::StatusOr<UnpackResult> UnpackBytes(const std::string& bytes,
                                         const std::vector<std::string>& bases,
                                         const UnpackOptions& opts = UnpackOptions()) {
  auto a = Archive::Parse(bytes, "test.ltar");
  if (!a.ok()) return a.status();
  return UnpackArchive(*a, bases, opts);
}

// Valid entry boundaries of an archive: the end of the header/trace entry and each entry start.
std::set<size_t> Boundaries(const std::string& bytes) {
  auto a = Archive::Parse(bytes, "x");
  EXPECT_TRUE(a.ok());
  std::set<size_t> out;
  for (const Entry& e : a->entries()) {
    out.insert(e.offset);
    if (a->version() == ContainerVersion::kV3) out.insert(e.offset + 1);  // after index byte
  }
  // End of the trace entry = first entry offset, or the archive size.
  return out;
}

void TruncateEverywhere(const std::string& vector, size_t nbases) {
  std::string bytes = ReadOrDie(VectorPath(vector));
  std::set<size_t> ok_cuts = Boundaries(bytes);
  auto full = Archive::Parse(bytes, "x");
  ASSERT_TRUE(full.ok());
  // The end of the header (+ trace entry) is also a boundary.
  size_t header_end = full->entries().empty() ? bytes.size() : full->entries().front().offset;
  ok_cuts.insert(header_end);
  std::string root = TempDir();
  int clean = 0;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::string dir = root + "/" + std::to_string(cut);
    std::vector<std::string> bases;
    for (size_t i = 0; i < nbases; ++i) bases.push_back(dir + "/b" + std::to_string(i));
    auto r = UnpackBytes(bytes.substr(0, cut), bases);
    if (ok_cuts.count(cut)) {
      EXPECT_TRUE(r.ok()) << vector << " cut at boundary " << cut << ": " << r.status();
      ++clean;
    } else {
      ASSERT_FALSE(r.ok()) << vector << " cut " << cut << " unexpectedly parsed";
      EXPECT_TRUE(IsCorrupted(r.status())) << vector << " cut " << cut << ": " << r.status();
      EXPECT_NE(std::string(r.status().message()).find("test.ltar"), std::string::npos);
      struct stat st;
      EXPECT_NE(stat(dir.c_str(), &st), 0) << vector << " cut " << cut << " left files/dirs behind";
    }
  }
  EXPECT_GE(clean, 1);
}

TEST(Truncation, EveryOffsetOfA) { TruncateEverywhere("a.ltar", 1); }
TEST(Truncation, EveryOffsetOfV1) { TruncateEverywhere("v1.ltar", 1); }
TEST(Truncation, EveryOffsetOfV2) { TruncateEverywhere("v2.ltar", 1); }
TEST(Truncation, EveryOffsetOfMb) { TruncateEverywhere("mb.ltar", 2); }
TEST(Truncation, EveryOffsetOfEdge) { TruncateEverywhere("edge.ltar", 1); }
TEST(Truncation, EveryOffsetOfSingle) { TruncateEverywhere("single.ltar", 1); }
TEST(Truncation, EveryOffsetOfMod) { TruncateEverywhere("mod.ltar", 1); }

TEST(Traversal, RefusesDotDotAndAbsoluteNames) {
  std::string outside = TempDir();
  for (std::string name : {std::string("../escape"), std::string("a/../../escape"),
                           outside + "/abs", std::string("/"), std::string("a/..")}) {
    std::string root = TempDir();
    std::string base = root + "/base";
    std::string bytes = BuildOrDie({Src("ok.txt", "fine"), Src(name, "evil")});
    auto r = UnpackBytes(bytes, {base});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    EXPECT_NE(std::string(r.status().message()).find("unsafe entry name"), std::string::npos);
    EXPECT_TRUE(ReadTree(root).empty()) << name;
  }
  EXPECT_TRUE(ReadTree(outside).empty());
}

TEST(Traversal, RefusesUnsafeTracePathAndModulePaths) {
  std::string root = TempDir();
  auto r = UnpackBytes(BuildOrDie({Src("x", "y")}, "../t.trace"), {root + "/b"});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(ReadTree(root).empty());
  // A hand-made mode-5 entry whose .olean.server path escapes.
  std::string bytes = BuildOrDie({});
  static const char kEntry[] = "\0M.olean\0\x05\0../S.olean.server\0\0M.olean.private";
  bytes += std::string(kEntry, sizeof kEntry);  // includes the final NUL
  std::string payload = *ZstdCompressWithDictionary("LGZ2");
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xff));
  bytes += payload;
  auto a = Archive::Parse(bytes, "m.ltar");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->entries().size(), 1u);
  ASSERT_EQ(a->entries()[0].extra_paths.size(), 2u);
  EXPECT_EQ(a->entries()[0].extra_paths[0].name, "../S.olean.server");
  r = UnpackArchive(*a, {root + "/b"}, UnpackOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("unsafe entry name"), std::string::npos);
  EXPECT_TRUE(ReadTree(root).empty());
}

TEST(Traversal, RefusesSymlinkEscape) {
  std::string root = TempDir();
  std::string outside = TempDir();
  std::string base = root + "/base";
  ASSERT_EQ(mkdir(base.c_str(), 0755), 0);
  ASSERT_EQ(symlink(outside.c_str(), (base + "/link").c_str()), 0);
  std::string bytes = BuildOrDie({Src("good.txt", "x"), Src("link/evil.txt", "evil")});
  auto r = UnpackBytes(bytes, {base});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("outside"), std::string::npos) << r.status();
  EXPECT_TRUE(ReadTree(outside).empty());
  EXPECT_EQ(ReadTree(base).size(), 1u);  // only the symlink itself
  // A symlink that stays inside the base is fine.
  ASSERT_EQ(mkdir((base + "/real").c_str(), 0755), 0);
  ASSERT_EQ(symlink("real", (base + "/alias").c_str()), 0);
  r = UnpackBytes(BuildOrDie({Src("alias/f.txt", "inside")}), {base});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(ReadOrDie(base + "/real/f.txt"), "inside");
}

TEST(Traversal, FinalSymlinkIsReplacedNotFollowed) {
  std::string root = TempDir();
  std::string outside = TempDir();
  WriteFileOrDie(outside + "/victim", "original");
  std::string base = root + "/base";
  ASSERT_EQ(mkdir(base.c_str(), 0755), 0);
  ASSERT_EQ(symlink((outside + "/victim").c_str(), (base + "/out.txt").c_str()), 0);
  auto r = UnpackBytes(BuildOrDie({Src("out.txt", "new")}), {base});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(ReadOrDie(outside + "/victim"), "original");
  struct stat st;
  ASSERT_EQ(lstat((base + "/out.txt").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(ReadOrDie(base + "/out.txt"), "new");
}

TEST(Bomb, PerEntryCapFailsCleanly) {
  std::string root = TempDir();
  std::string bytes = BuildOrDie({Src("small.txt", "x"), Src("bomb.bin", std::string(64 << 20, '\0'))});
  EXPECT_LT(bytes.size(), 64u << 10);
  UnpackOptions opts;
  opts.limits.max_entry_bytes = 1 << 20;
  auto r = UnpackBytes(bytes, {root}, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
  EXPECT_NE(std::string(r.status().message()).find("bomb.bin"), std::string::npos);
  EXPECT_TRUE(ReadTree(root).empty());
  struct stat st;
  EXPECT_NE(stat((root + "/t.trace").c_str(), &st), 0);
}

TEST(Bomb, PerArchiveCapFailsCleanly) {
  std::string root = TempDir();
  std::string bytes = BuildOrDie({Src("a.bin", std::string(600 << 10, 'a')),
                                  Src("b.bin", std::string(600 << 10, 'b'))});
  UnpackOptions opts;
  opts.limits.max_entry_bytes = 1 << 20;
  opts.limits.max_archive_bytes = 1 << 20;
  auto r = UnpackBytes(bytes, {root}, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ReadTree(root).empty());
  opts.limits.max_archive_bytes = 2 << 20;
  EXPECT_TRUE(UnpackBytes(bytes, {root}, opts).ok());
}

TEST(Corrupt, BadMagicAndUnknownMode) {
  auto a = Archive::Parse("LTR9\0\0\0\0\0\0\0\0t\0", "bad.ltar");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "bad.ltar: bad .ltar file");
  // leantar 0.1.20 -s archives: recognised and refused clearly, never taken as corrupt.
  a = Archive::Parse(std::string("LTR4\0\0\0\0\0\0\0\0t\0", 14), "s.ltar");
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(absl::IsUnimplemented(a.status()));
  EXPECT_FALSE(IsCorrupted(a.status()));
  EXPECT_EQ(a.status().message(), "s.ltar: LTR4 (leantar 0.1.20 -s) archives are not supported yet");
  std::string bytes = BuildOrDie({Src("x", "hello")});
  size_t mode_at = bytes.size() - 8 - ZstdCompress("hello")->size() - 1;
  ASSERT_EQ(bytes[mode_at], '\0');
  bytes[mode_at] = 9;
  a = Archive::Parse(bytes, "m.ltar");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "m.ltar: unsupported compression 9");
}

TEST(Corrupt, GarbagePayloadLeavesNothingAndKeepsOldFiles) {
  std::string root = TempDir();
  WriteFileOrDie(root + "/first.txt", "old content");
  std::string bytes = BuildOrDie({Src("first.txt", "new content"), Src("second.txt", "zzzzzz")});
  // Corrupt the last frame's block header.
  bytes[bytes.size() - 8] ^= 0x5a;
  bytes[bytes.size() - 9] ^= 0xff;
  auto r = UnpackBytes(bytes, {root});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ReadOrDie(root + "/first.txt"), "old content");
  EXPECT_EQ(ReadTree(root).size(), 1u);
}

TEST(Corrupt, HashOutputTags) {
  std::string head = std::string("LTR3") + std::string(8, '\0') + std::string("t\0", 2) + "\x04" +
                     std::string(32, '\x11');
  auto ok = Archive::Parse(head + std::string("\x01", 1) + std::string(8, '\x22') +
                               std::string("\x02", 1) + std::string(8, '\x33') + std::string(1, '\0'),
                           "h.ltar");
  ASSERT_TRUE(ok.ok()) << ok.status();
  DecodeBudget budget;
  auto text = DecodeTrace(*ok, budget);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"1111111111111111\",\"outputs\":{\"o\":["
            "\"1111111111111111.olean\",\"2222222222222222.olean\"],\"i\":\"1111111111111111.ilean\","
            "\"c\":\"1111111111111111.c\",\"b\":\"3333333333333333.bc\"}}");
  EXPECT_FALSE(Archive::Parse(head + std::string("\x07", 1) + std::string(8, 0), "h").ok());
  std::string three;
  for (int i = 0; i < 3; ++i) three += std::string("\x01", 1) + std::string(8, 0);
  EXPECT_FALSE(Archive::Parse(head + three + std::string(1, '\0'), "h").ok());
  EXPECT_EQ(Archive::Parse(head, "h").status().code(), absl::StatusCode::kDataLoss);
}

TEST(Corrupt, EofAfterV3IndexByteIsCleanEnd) {
  std::string bytes = BuildOrDie({Src("x", "y")});
  auto a = Archive::Parse(bytes + std::string(1, '\0'), "x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->entries().size(), 1u);
}

TEST(Corrupt, MissingArchiveIsNotFound) {
  auto r = UnpackArchiveFile("/nonexistent/x.ltar", {TempDir()}, UnpackOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "/nonexistent/x.ltar not found");
}

}  // namespace
}  // namespace leancache::ltar
