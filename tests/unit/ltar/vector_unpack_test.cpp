// Reader conformance: every leantar 0.1.19 vector unpacks to exactly the tree the vectors
// README gives (including leantar's normalisation of traces and lossy mode-2 files).
#include <map>
#include <string>

#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "ltar_test_util.h"

namespace leancache::ltar {
namespace {

using testing::ReadOrDie;
using testing::ReadTree;
using testing::TempDir;
using testing::VectorPath;
using Tree = std::map<std::string, std::string>;

Tree Unpack(const std::string& vector, const std::vector<std::string>& bases_rel,
            std::string* root_out = nullptr) {
  std::string root = TempDir();
  std::vector<std::string> bases;
  for (const std::string& b : bases_rel) bases.push_back(b.empty() ? root : root + "/" + b);
  auto r = UnpackArchiveFile(VectorPath(vector), bases, UnpackOptions());
  EXPECT_TRUE(r.ok()) << vector << ": " << r.status();
  if (root_out) *root_out = root;
  return testing::Summary(ReadTree(root));
}

std::vector<std::string> Comments(const std::string& vector) {
  auto a = Archive::ReadFile(VectorPath(vector));
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? a->comments() : std::vector<std::string>{};
}

TEST(VectorUnpack, A) {
  Tree expected = ReadTree(VectorPath("a"));
  expected["lib/Foo/Bar.trace"] =
      "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"0123456789abcdef\",\"outputs\":{\"c\":"
      "\"3333333333333333.c\",\"i\":\"2222222222222222.ilean\",\"o\":[\"1111111111111111.olean\"]}}";
  expected["ir/Foo/Bar.c.hash"] = "7";
  ASSERT_EQ(expected.size(), 7u);
  EXPECT_EQ(Unpack("a.ltar", {""}), testing::Summary(expected));
  EXPECT_EQ(Comments("a.ltar"), std::vector<std::string>{"git=test@abc"});
}

TEST(VectorUnpack, V1AndV2) {
  Tree expected = ReadTree(VectorPath("v12"));
  ASSERT_EQ(expected.size(), 3u);
  expected["M.trace"] = "1234567890";
  EXPECT_EQ(Unpack("v1.ltar", {""}), testing::Summary(expected));
  expected["M.trace"] = "{\"depHash\":\"1234567890\"}";
  EXPECT_EQ(Unpack("v2.ltar", {""}), testing::Summary(expected));
  EXPECT_EQ(Comments("v1.ltar"), std::vector<std::string>{"hi"});
  EXPECT_EQ(Comments("v2.ltar"), std::vector<std::string>{"hi"});
  auto v1 = Archive::ReadFile(VectorPath("v1.ltar"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version(), ContainerVersion::kV1);
  EXPECT_EQ(v1->dep_hash(), 1234567890u);
  EXPECT_FALSE(v1->trace_entry().has_value());
  auto v2 = Archive::ReadFile(VectorPath("v2.ltar"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version(), ContainerVersion::kV2);
  ASSERT_TRUE(v2->trace_entry().has_value());
  EXPECT_EQ(v2->trace_entry()->mode, Mode::kHashJson);
}

TEST(VectorUnpack, MultiBase) {
  Tree expected;
  expected["b0/lib/A.trace"] =
      "{\"schemaVersion\":\"2025-09-10\",\"log\":[{\"message\":\"hello\",\"level\":\"warning\"}],"
      "\"depHash\":\"00000000000000ff\",\"outputs\":{\"c\":\"3333333333333333.c\",\"i\":"
      "\"2222222222222222.ilean\",\"o\":[\"1111111111111111.olean\"]}}";
  ASSERT_EQ(expected["b0/lib/A.trace"].size(), 202u);
  expected["b0/lib/A.ilean"] = "ilean!";
  expected["b1/ir/A.c"] = "c code";
  EXPECT_EQ(Unpack("mb.ltar", {"b0", "b1"}), testing::Summary(expected));
  EXPECT_TRUE(Comments("mb.ltar").empty());
}

TEST(VectorUnpack, MultiBaseWithOneBaseFails) {
  std::string root = TempDir();
  auto r = UnpackArchiveFile(VectorPath("mb.ltar"), {root}, UnpackOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("not enough base paths (expected > 1)"),
            std::string::npos)
      << r.status();
  EXPECT_TRUE(ReadTree(root).empty());  // nothing partial
}

const char kAttrTrace[] =
    "{\"schemaVersion\":\"2025-09-10\",\"depHash\":\"57289f38c9016500\",\"outputs\":{\"c\":"
    "\"add47f1b668a8843.c\",\"i\":\"3b9eae88facf7718.ilean\",\"o\":[\"3cca31ffa2f465ef.olean\","
    "\"56d5b21498fd7c3f.olean.server\",\"8b675afb28e22dac.olean.private\"],\"r\":"
    "\"5663c04e813b1d02.ir\"}}";

TEST(VectorUnpack, ModuleMode5) {
  Tree expected = ReadTree(VectorPath("m/P"));
  ASSERT_EQ(expected.size(), 4u);
  expected["Attr.trace"] = kAttrTrace;
  ASSERT_EQ(expected["Attr.trace"].size(), 247u);
  Tree got = Unpack("mod.ltar", {""});
  Tree expected_prefixed;
  for (auto& [k, v] : expected) expected_prefixed["P/" + k] = v;
  EXPECT_EQ(got, testing::Summary(expected_prefixed));
}

TEST(VectorUnpack, SingleMode1) {
  Tree expected;
  expected["P/Attr.olean"] = ReadOrDie(VectorPath("m/P/Attr.olean"));
  expected["P/Attr.trace"] = kAttrTrace;
  EXPECT_EQ(Unpack("single.ltar", {""}), testing::Summary(expected));
}

TEST(VectorUnpack, SynMode1InLtar) {
  Tree expected;
  expected["S.trace"] = "1";
  expected["basic.olean"] = ReadOrDie(VectorPath("syn/basic.olean"));
  EXPECT_EQ(Unpack("syn.ltar", {""}), testing::Summary(expected));
}

TEST(VectorUnpack, Edge) {
  Tree expected = ReadTree(VectorPath("e"));
  ASSERT_EQ(expected.size(), 9u);
  expected.erase("F.olean.server");
  expected.erase("F.olean.private");
  expected["plus.hash"] = "5";
  EXPECT_EQ(expected["over.hash"], "18446744073709551616");
  EXPECT_EQ(expected["nl.hash"], "5\n");
  EXPECT_EQ(Unpack("edge.ltar", {""}), testing::Summary(expected));
  EXPECT_TRUE(Comments("edge.ltar").empty());
}

TEST(VectorUnpack, HeaderContract) {
  // Mathlib reads bytes 0-11 directly: magic + little-endian depHash.
  std::string a = ReadOrDie(VectorPath("a.ltar"));
  auto parsed = Archive::ReadFile(VectorPath("a.ltar"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(a.substr(0, 4), "LTR3");
  EXPECT_EQ(parsed->dep_hash(), 0x0123456789abcdefu);
  EXPECT_EQ(parsed->trace_path(), "lib/Foo/Bar.trace");
}

TEST(VectorUnpack, SkipWhenTraceMatchesSingleBase) {
  std::string root;
  Unpack("a.ltar", {""}, &root);
  // Modify an output; an unforced unpack must skip (trace matches) and leave it alone.
  {
    FILE* f = fopen((root + "/lib/Foo/Bar.ilean").c_str(), "w");
    fputs("changed", f);
    fclose(f);
  }
  auto r = UnpackArchiveFile(VectorPath("a.ltar"), {root}, UnpackOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->skipped);
  EXPECT_EQ(ReadOrDie(root + "/lib/Foo/Bar.ilean"), "changed");
  UnpackOptions force;
  force.force = true;
  r = UnpackArchiveFile(VectorPath("a.ltar"), {root}, force);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->skipped);
  EXPECT_EQ(ReadOrDie(root + "/lib/Foo/Bar.ilean"),
            ReadOrDie(VectorPath("a/lib/Foo/Bar.ilean")));
}

TEST(VectorUnpack, SkipCheckUsesV1AndV2Traces) {
  for (const char* v : {"v1.ltar", "v2.ltar"}) {
    std::string root;
    Unpack(v, {""}, &root);
    auto r = UnpackArchiveFile(VectorPath(v), {root}, UnpackOptions());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->skipped) << v;
  }
}

TEST(VectorUnpack, DifferentTraceIsOverwritten) {
  std::string root = TempDir();
  mkdir((root + "/lib").c_str(), 0755);
  mkdir((root + "/lib/Foo").c_str(), 0755);
  for (const char* stale : {"{\"depHash\":\"1\"}", "", "garbage"}) {
    FILE* f = fopen((root + "/lib/Foo/Bar.trace").c_str(), "w");
    fputs(stale, f);
    fclose(f);
    auto r = UnpackArchiveFile(VectorPath("a.ltar"), {root}, UnpackOptions());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->skipped) << stale;
    EXPECT_EQ(r->written.size(), 7u);
  }
}

TEST(VectorUnpack, MultiBaseSkipOnlyMissingEntries) {
  std::string root;
  Unpack("mb.ltar", {"b0", "b1"}, &root);
  ASSERT_EQ(unlink((root + "/b1/ir/A.c").c_str()), 0);
  {
    FILE* f = fopen((root + "/b0/lib/A.ilean").c_str(), "w");
    fputs("kept", f);
    fclose(f);
  }
  auto r = UnpackArchiveFile(VectorPath("mb.ltar"), {root + "/b0", root + "/b1"}, UnpackOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->skipped);
  EXPECT_EQ(r->skipped_entries, 1u);
  ASSERT_EQ(r->written.size(), 1u);
  EXPECT_EQ(ReadOrDie(root + "/b1/ir/A.c"), "c code");
  EXPECT_EQ(ReadOrDie(root + "/b0/lib/A.ilean"), "kept");
}

}  // namespace
}  // namespace leancache::ltar
