// Writer behaviour beyond the vectors: grouping rules, lossless fallbacks, errors, round trips.
#include "common/ltar/writer.h"

#include <string>

#include "common/fs/confined_path.h"
#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::Describe;
using testing::ReadOrDie;
using testing::ReadTree;
using testing::TempDir;
using testing::VectorPath;

const char kV3[] =
    "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"00000000000000aa\",\"outputs\":{\"o\":[]}}";

PackSource F(std::string name, std::string content, uint8_t base = 0) {
  return PackSource{PackSource::Kind::kFile, base, std::move(name), std::move(content)};
}
PackSource C(std::string text) { return PackSource{PackSource::Kind::kComment, 0, std::move(text), ""}; }

std::vector<std::string> Entries(const BuiltArchive& b) {
  auto a = Archive::Parse(b.bytes, "x");
  EXPECT_TRUE(a.ok()) << a.status();
  return Describe(*a).entries;
}

TEST(Writer, ModeSelection) {
  auto b = BuildArchive("t.trace", kV3,
                        {F("a.hash", "123"), F("b.hash", "0123"), F("c.hash", "+1"),
                         F("d.hash", "abcdef0123456789"), F("e", ""), F("x.olean", "not olean"),
                         F("long", "123456789012345678901")});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(Entries(*b), (std::vector<std::string>{"0:a.hash mode2", "0:b.hash mode0",
                                                   "0:c.hash mode0", "0:d.hash mode0", "0:e mode0",
                                                   "0:x.olean mode0", "0:long mode0"}));
}

TEST(Writer, NonOleanModuleKeepsAllThreeFiles) {
  auto b = BuildArchive("t.trace", kV3,
                        {F("F.olean", "fake"), F("F.olean.server", "s"), F("F.olean.private", "p")});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Entries(*b), (std::vector<std::string>{"0:F.olean mode0", "0:F.olean.server mode0",
                                                   "0:F.olean.private mode0"}));
}

TEST(Writer, CommentBreaksModuleGrouping) {
  std::string olean = ReadOrDie(VectorPath("m/P/Attr.olean"));
  std::string server = ReadOrDie(VectorPath("m/P/Attr.olean.server"));
  std::string priv = ReadOrDie(VectorPath("m/P/Attr.olean.private"));
  auto b = BuildArchive("t.trace", kV3,
                        {F("A.olean", olean), F("A.olean.server", server), C("c"),
                         F("A.olean.private", priv)});
  ASSERT_TRUE(b.ok());
  auto e = Entries(*b);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1], "0:A.olean.server mode0");
  EXPECT_EQ(e[2], "comment:c");
  EXPECT_EQ(e[3], "0:A.olean.private mode0");
}

TEST(Writer, BaseIndexNeedsV3) {
  auto b = BuildArchive("t.trace", "5", {F("x", "y", 1)});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(std::string(b.status().message()).find("LTR3"), std::string::npos);
  EXPECT_TRUE(BuildArchive("t.trace", kV3, {F("x", "y", 1)}).ok());
}

TEST(Writer, RejectsNulAndEmptyNames) {
  EXPECT_FALSE(BuildArchive("t.trace", kV3, {F(std::string("a\0b", 3), "y")}).ok());
  EXPECT_FALSE(BuildArchive("t.trace", kV3, {F("", "y")}).ok());
  EXPECT_FALSE(BuildArchive("t.trace", kV3, {C(std::string("a\0b", 3))}).ok());
  EXPECT_FALSE(BuildArchive("", kV3, {}).ok());
  EXPECT_FALSE(BuildArchive("t.trace", "{bad", {}).ok());
}

TEST(Writer, CommentEncodingPerVersion) {
  auto v3 = BuildArchive("t", kV3, {C("hi")});
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->bytes.substr(v3->bytes.size() - 5), std::string("\0\0hi\0", 5));
  auto v1 = BuildArchive("t", "7", {C("hi")});
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->bytes, std::string("LTAR\x07\0\0\0\0\0\0\0t\0\0hi\0", 18));
}

TEST(Writer, PackUnpackRoundTripIsLossless) {
  std::string src = TempDir();
  std::map<std::string, std::string> files = {
      {"t.trace", kV3},        {"a/x.hash", "007"},     {"a/y.hash", "+5"},
      {"a/z.hash", "42"},      {"b/empty", ""},         {"b/nl.hash", "5\n"},
      {"F.olean", "not olean"}, {"F.olean.server", "s"}, {"F.olean.private", "p"},
      {"m/P/Attr.olean", ReadOrDie(VectorPath("m/P/Attr.olean"))},
      {"m/P/Attr.olean.server", ReadOrDie(VectorPath("m/P/Attr.olean.server"))},
      {"m/P/Attr.olean.private", ReadOrDie(VectorPath("m/P/Attr.olean.private"))},
      {"syn/sarray1.olean", ReadOrDie(VectorPath("syn/sarray1.olean"))},
  };
  std::vector<PackItem> items;
  for (const auto& [name, content] : files) {
    std::string path = src + "/" + name;
    ASSERT_TRUE(fs::MakeDirs(path.substr(0, path.rfind('/'))).ok());
    FILE* f = fopen(path.c_str(), "w");
    fwrite(content.data(), 1, content.size(), f);
    fclose(f);
  }
  for (const char* n : {"a/x.hash", "a/y.hash", "a/z.hash", "b/empty", "b/nl.hash", "F.olean",
                        "F.olean.server", "F.olean.private", "m/P/Attr.olean",
                        "m/P/Attr.olean.server", "m/P/Attr.olean.private", "syn/sarray1.olean"}) {
    items.push_back(PackItem{PackSource::Kind::kFile, 0, n});
  }
  std::string out = TempDir() + "/r.ltar";
  auto built = PackArchive(out, {src}, "t.trace", items);
  ASSERT_TRUE(built.ok()) << built.status();
  std::string dst = TempDir();
  auto r = UnpackArchiveFile(out, {dst}, UnpackOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  std::map<std::string, std::string> expected = files;
  expected["t.trace"] =
      "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"00000000000000aa\",\"outputs\":{\"o\":[]}}";
  EXPECT_EQ(testing::Summary(ReadTree(dst)), testing::Summary(expected));
}

TEST(Writer, PackMissingInputLeavesNoOutput) {
  std::string src = TempDir();
  FILE* f = fopen((src + "/t.trace").c_str(), "w");
  fputs("5", f);
  fclose(f);
  std::string outdir = TempDir();
  auto r = PackArchive(outdir + "/o.ltar", {src}, "t.trace",
                       {PackItem{PackSource::Kind::kFile, 0, "missing.txt"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(r.status().message()).find("missing.txt not found"), std::string::npos);
  EXPECT_TRUE(ReadTree(outdir).empty());
  r = PackArchive(outdir + "/o.ltar", {src}, "nope.trace", {});
  EXPECT_FALSE(r.ok());
  r = PackArchive(outdir + "/o.ltar", {src}, "t.trace",
                  {PackItem{PackSource::Kind::kFile, 1, "t.trace"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("not enough base paths (expected > 1)"),
            std::string::npos);
  EXPECT_TRUE(ReadTree(outdir).empty());
}

}  // namespace
}  // namespace leancache::ltar
