// Writer conformance: packing the vectors' input trees with the arguments leantar 0.1.19 was
// given produces archives with the same structure (header, trace entry, entry names, modes,
// comments, decompressed payloads) as the vectors, except where leancache deliberately avoids
// leantar's silent-loss bugs. Since we link the same libzstd (1.5.4) as the vectors were made
// with, the zstd frames are also compared byte for byte.
#include <string>
#include <vector>

#include "common/ltar/archive.h"
#include "common/ltar/writer.h"
#include "ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::ArchiveDesc;
using testing::Describe;
using testing::ReadOrDie;
using testing::TempDir;
using testing::VectorPath;

PackItem File(std::string name, uint8_t base = 0) {
  return PackItem{PackSource::Kind::kFile, base, std::move(name)};
}
PackItem Comment(std::string text) { return PackItem{PackSource::Kind::kComment, 0, std::move(text)}; }

Archive PackToArchive(const std::vector<std::string>& bases, const std::string& trace,
                      const std::vector<PackItem>& items, BuiltArchive* built_out = nullptr) {
  std::string out = TempDir() + "/out.ltar";
  auto built = PackArchive(out, bases, trace, items);
  EXPECT_TRUE(built.ok()) << built.status();
  if (built_out && built.ok()) *built_out = *built;
  auto a = Archive::ReadFile(out);
  EXPECT_TRUE(a.ok()) << a.status();
  if (built.ok()) {
    EXPECT_EQ(ReadOrDie(out), built->bytes);
  }
  return *std::move(a);
}

Archive Vector(const std::string& name) {
  auto a = Archive::ReadFile(VectorPath(name));
  EXPECT_TRUE(a.ok()) << a.status();
  return *std::move(a);
}

void ExpectSameDesc(const ArchiveDesc& ours, const ArchiveDesc& theirs) {
  EXPECT_EQ(ours.header, theirs.header);
  EXPECT_EQ(ours.trace, theirs.trace);
  EXPECT_EQ(ours.trace_mode, theirs.trace_mode);
  EXPECT_EQ(ours.entries, theirs.entries);
  EXPECT_TRUE(ours.contents == theirs.contents) << "decoded contents differ";
}

// Counts entries whose compressed payloads are byte-identical; returns false if any entry with
// the same name and mode has different zstd bytes.
bool SamePayloadBytes(const Archive& ours, const Archive& theirs, int* compared) {
  bool same = true;
  *compared = 0;
  if (ours.trace_entry() && theirs.trace_entry() &&
      ours.trace_entry()->mode == Mode::kZstd && theirs.trace_entry()->mode == Mode::kZstd) {
    ++*compared;
    same = same && ours.payload(*ours.trace_entry()) == theirs.payload(*theirs.trace_entry());
  }
  for (const Entry& a : ours.entries()) {
    for (const Entry& b : theirs.entries()) {
      if (a.kind != Entry::Kind::kFile || b.kind != Entry::Kind::kFile) continue;
      if (a.path.name != b.path.name || a.mode != b.mode) continue;
      if (a.mode != Mode::kZstd && a.mode != Mode::kLgz && a.mode != Mode::kLgzModule) continue;
      ++*compared;
      if (ours.payload(a) != theirs.payload(b)) {
        ADD_FAILURE() << "zstd bytes differ for " << a.path.name;
        same = false;
      }
    }
  }
  return same;
}

TEST(WriterVectors, V1AndV2AreByteIdentical) {
  std::string dir = TempDir();
  for (const char* f : {"M.ilean", "M.olean.hash"}) {
    FILE* out = fopen((dir + "/" + f).c_str(), "w");
    std::string c = ReadOrDie(VectorPath(std::string("v12/") + f));
    fwrite(c.data(), 1, c.size(), out);
    fclose(out);
  }
  for (auto [trace, vec] : {std::pair{"1234567890", "v1.ltar"},
                            std::pair{"{\"depHash\":\"1234567890\"}", "v2.ltar"}}) {
    FILE* out = fopen((dir + "/M.trace").c_str(), "w");
    fputs(trace, out);
    fclose(out);
    BuiltArchive built;
    Archive ours = PackToArchive({dir}, "M.trace", {File("M.ilean"), Comment("hi"), File("M.olean.hash")},
                                 &built);
    ExpectSameDesc(Describe(ours), Describe(Vector(vec)));
    EXPECT_TRUE(built.bytes == ReadOrDie(VectorPath(vec))) << vec << " not byte-identical";
  }
}

TEST(WriterVectors, MultiBaseIsByteIdentical) {
  BuiltArchive built;
  Archive ours = PackToArchive({VectorPath("mb/b0"), VectorPath("mb/b1")}, "lib/A.trace",
                               {File("lib/A.ilean"), File("ir/A.c", 1)}, &built);
  ExpectSameDesc(Describe(ours), Describe(Vector("mb.ltar")));
  EXPECT_TRUE(built.bytes == ReadOrDie(VectorPath("mb.ltar")));
}

TEST(WriterVectors, AMatchesExceptLossyHash) {
  BuiltArchive built;
  Archive ours = PackToArchive(
      {VectorPath("a")}, "lib/Foo/Bar.trace",
      {Comment("git=test@abc"), File("lib/Foo/Bar.olean"), File("lib/Foo/Bar.olean.hash"),
       File("lib/Foo/Bar.ilean"), File("lib/Foo/Bar.ilean.hash"), File("ir/Foo/Bar.c"),
       File("ir/Foo/Bar.c.hash")},
      &built);
  ArchiveDesc want = Describe(Vector("a.ltar"));
  // leantar stores "007" as mode 2 (unpacks as "7"); we keep the exact bytes with mode 0.
  ASSERT_EQ(want.entries.back(), "0:ir/Foo/Bar.c.hash mode2");
  want.entries.back() = "0:ir/Foo/Bar.c.hash mode0";
  want.contents.back() = {"007"};
  ExpectSameDesc(Describe(ours), want);
  int compared = 0;
  EXPECT_TRUE(SamePayloadBytes(ours, Vector("a.ltar"), &compared));
  EXPECT_EQ(compared, 4);  // trace, .olean, .ilean, .c
  // Everything before the last entry is byte-identical.
  std::string vec = ReadOrDie(VectorPath("a.ltar"));
  size_t cut = ours.entries().back().offset;
  EXPECT_EQ(cut, Vector("a.ltar").entries().back().offset);
  EXPECT_TRUE(built.bytes.substr(0, cut) == vec.substr(0, cut));
}

TEST(WriterVectors, EdgeKeepsModuleFilesAndExactText) {
  Archive ours = PackToArchive(
      {VectorPath("e")}, "T.trace",
      {File("empty.ilean"), File("max.hash"), File("over.hash"), File("plus.hash"), File("nl.hash"),
       File("F.olean"), File("F.olean.server"), File("F.olean.private")});
  ArchiveDesc want = Describe(Vector("edge.ltar"));
  ASSERT_EQ(want.entries[3], "0:plus.hash mode2");
  want.entries[3] = "0:plus.hash mode0";  // "+5" is not canonical: kept as text
  want.contents[3] = {"+5"};
  // leantar 0.1.19 silently drops these two; we store them.
  want.entries.push_back("0:F.olean.server mode0");
  want.contents.push_back({"server bytes"});
  want.entries.push_back("0:F.olean.private mode0");
  want.contents.push_back({"private bytes"});
  ExpectSameDesc(Describe(ours), want);
  int compared = 0;
  EXPECT_TRUE(SamePayloadBytes(ours, Vector("edge.ltar"), &compared));
  EXPECT_EQ(compared, 4);  // empty.ilean, over.hash, nl.hash, F.olean
}

// The following need the LGZ codec (common/lgz).
TEST(WriterVectors, ModuleMode5) {
  BuiltArchive built;
  Archive ours = PackToArchive(
      {VectorPath("m")}, "P/Attr.trace",
      {File("P/Attr.olean"), File("P/Attr.olean.server"), File("P/Attr.olean.private")}, &built);
  ExpectSameDesc(Describe(ours), Describe(Vector("mod.ltar")));
  int compared = 0;
  EXPECT_TRUE(SamePayloadBytes(ours, Vector("mod.ltar"), &compared));
  EXPECT_EQ(compared, 2);
  EXPECT_TRUE(built.bytes == ReadOrDie(VectorPath("mod.ltar")));
}

TEST(WriterVectors, SingleMode1) {
  BuiltArchive built;
  Archive ours = PackToArchive({VectorPath("m")}, "P/Attr.trace", {File("P/Attr.olean")}, &built);
  ExpectSameDesc(Describe(ours), Describe(Vector("single.ltar")));
  EXPECT_TRUE(built.bytes == ReadOrDie(VectorPath("single.ltar")));
}

TEST(WriterVectors, SynMode1) {
  BuiltArchive built;
  Archive ours = PackToArchive({VectorPath("syn")}, "S.trace", {File("basic.olean")}, &built);
  ExpectSameDesc(Describe(ours), Describe(Vector("syn.ltar")));
  EXPECT_TRUE(built.bytes == ReadOrDie(VectorPath("syn.ltar")));
}

TEST(WriterVectors, LossyOleanFallsBackToMode0) {
  // sarray1.olean does not survive LGZ (element size byte is lost): must be stored as mode 0.
  std::string dir = TempDir();
  FILE* t = fopen((dir + "/S.trace").c_str(), "w");
  fputs("1", t);
  fclose(t);
  std::string olean = ReadOrDie(VectorPath("syn/sarray1.olean"));
  FILE* o = fopen((dir + "/x.olean").c_str(), "w");
  fwrite(olean.data(), 1, olean.size(), o);
  fclose(o);
  Archive ours = PackToArchive({dir}, "S.trace", {File("x.olean")});
  ArchiveDesc d = Describe(ours);
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0], "0:x.olean mode0");
  EXPECT_TRUE(d.contents[0] == std::vector<std::string>{olean});
}

}  // namespace
}  // namespace leancache::ltar
