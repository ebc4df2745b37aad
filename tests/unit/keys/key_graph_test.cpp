#include "common/keys/key_graph.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/match.h"
#include "common/hash/lean_hash.h"
#include "common/keys/archive_name.h"
#include "common/keys/module_hash.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::keys {
namespace {

using leancache::testing::ManifestWith;
using leancache::testing::TempTree;
using V = std::vector<std::string>;

// A real FileSourceReader that counts how often each file is read (to check memoisation).
class CountingReader final : public SourceReader {
 public:
  absl::StatusOr<SourceInfo> Read(const std::filesystem::path& file, std::string_view module) override {
    ++reads[file.string()];
    return disk.Read(file, module);
  }
  FileSourceReader disk;
  std::map<std::string, int> reads;
};

workspace::Workspace OpenOrDie(const TempTree& t) {
  auto ws = workspace::Workspace::Open(t.root(), {});
  EXPECT_TRUE(ws.ok()) << ws.status();
  return *std::move(ws);
}

void WriteRootInputs(const TempTree& t, const std::string& manifest) {
  t.Write("lakefile.lean", "-- lakefile\n");
  t.Write("lean-toolchain", "leanprover/lean4:v4.32.0-rc1\n");
  t.Write("lake-manifest.json", manifest);
  t.Write("Cache/IO.lean", "def rootHashGeneration : UInt64 := 4\n");
}

TEST(KeyGraph, DerivedVectorMathlibInit) {
  TempTree t;
  WriteRootInputs(t, "{}\n");
  t.Write("Mathlib.lean", "import Mathlib.Init\n");
  t.Write("Mathlib/Init.lean", "");
  auto ws = OpenOrDie(t);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->root_hash, 9729620696893317382ULL);
  EXPECT_EQ(r->generation, 4u);
  EXPECT_EQ(PathHash("Mathlib.Init"), 0x9cc07c6bc0e57c88ULL);
  ASSERT_EQ(r->modules.count("Mathlib.Init"), 1u);
  const ModuleEntry& init = r->modules.at("Mathlib.Init");
  EXPECT_EQ(init.key, 6777801619556093162ULL);
  EXPECT_EQ(ArchiveName(init.key), "5e0f96a9a3b54cea.ltar");
  EXPECT_EQ(init.imports, V{});  // the implicit Init is filtered out
  EXPECT_EQ(init.relative, "Mathlib/Init");
  EXPECT_EQ(init.package_dir, t.root());
  // Mathlib = listHash([root, pathHash, Hc, h(Mathlib.Init)]).
  const uint64_t expect = hash::ListHash({r->root_hash, hash::StringListHash({"Mathlib.lean"}),
                                          hash::StringHash("import Mathlib.Init\n"), init.key});
  EXPECT_EQ(r->modules.at("Mathlib").key, expect);
  EXPECT_EQ(r->roots, V{"Mathlib"});
  EXPECT_TRUE(r->stdout_lines.empty());
  EXPECT_TRUE(r->unhashed.empty());
}

TEST(KeyGraph, CrlfSourceGivesTheSameKeys) {
  TempTree a, b;
  for (const TempTree* t : {&a, &b}) WriteRootInputs(*t, "{}\n");
  a.Write("Mathlib.lean", "import Mathlib.A\nimport Mathlib.B\n");
  b.Write("Mathlib.lean", "import Mathlib.A\r\nimport Mathlib.B\r\n");
  a.Write("Mathlib/A.lean", "theorem x : True := trivial\n");
  b.Write("Mathlib/A.lean", "theorem x : True := trivial\r\n");
  a.Write("Mathlib/B.lean", "");
  b.Write("Mathlib/B.lean", "");
  FileSourceReader reader;
  auto ra = ComputeKeys(OpenOrDie(a), {}, reader, {});
  auto rb = ComputeKeys(OpenOrDie(b), {}, reader, {});
  ASSERT_TRUE(ra.ok() && rb.ok());
  for (const char* m : {"Mathlib", "Mathlib.A", "Mathlib.B"}) {
    EXPECT_EQ(ra->modules.at(m).key, rb->modules.at(m).key) << m;
  }
}

// Mathlib repo + batteries dependency, a missing import, an extra root outside the package
// filter, duplicate imports, and filtered (Lean/Init/MyProj) imports.
class SyntheticWorkspace : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteRootInputs(t_, ManifestWith({"batteries"}));
    t_.Write("Mathlib.lean", "import Mathlib.A\nimport Mathlib.B\nimport Mathlib.C\n");
    t_.Write("Mathlib/A.lean", "import Batteries.X\nimport Lean.Elab\nimport Batteries.X\n\ndef a := 1\n");
    t_.Write("Mathlib/B.lean", "import Mathlib.A\nimport Mathlib.Gone\n");
    t_.Write("Mathlib/C.lean", "/- c -/\nimport Mathlib.A\n");
    t_.Write(".lake/packages/batteries/Batteries/X.lean", "prelude\n");
    t_.Write("MyProj/Foo.lean", "import Mathlib.C\nimport MyProj.Bar\n");
    t_.Write("Archive/Imo.lean", "import Mathlib.C\nimport Archive.Missing\n");
  }
  TempTree t_;
};

TEST_F(SyntheticWorkspace, KeysWarningsAndFilter) {
  auto ws = OpenOrDie(t_);
  CountingReader reader;
  auto r = ComputeKeys(ws, V{"MyProj.Foo", "Mathlib"}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->roots, (V{"Mathlib", "MyProj.Foo"}));
  std::vector<std::string> names;
  for (const auto& [name, e] : r->modules) names.push_back(name);
  EXPECT_EQ(names, (V{"Batteries.X", "Mathlib.A", "Mathlib.C", "MyProj.Foo"}));
  EXPECT_EQ(r->unhashed, (V{"Mathlib", "Mathlib.B", "Mathlib.Gone"}));
  EXPECT_EQ(r->stdout_lines,
            V{"Warning: ./Mathlib/Gone.lean not found. Skipping all files that depend on it."});

  const ModuleEntry& x = r->modules.at("Batteries.X");
  EXPECT_EQ(x.package_dir, t_ / ".lake/packages/batteries");
  EXPECT_EQ(x.relative, "Batteries/X");
  EXPECT_EQ(x.search_entry, ".lake/packages/batteries");
  EXPECT_EQ(x.key, hash::ListHash({r->root_hash, hash::StringListHash({"Batteries", "X.lean"}),
                                   hash::StringHash("prelude\n")}));
  const ModuleEntry& a = r->modules.at("Mathlib.A");
  EXPECT_EQ(a.imports, (V{"Batteries.X", "Batteries.X"}));  // duplicates kept, Lean/Init dropped
  EXPECT_EQ(a.key, hash::ListHash({r->root_hash, PathHash("Mathlib.A"),
                                   hash::StringHash("import Batteries.X\nimport Lean.Elab\nimport Batteries.X\n\ndef a := 1\n"),
                                   x.key, x.key}));
  const ModuleEntry& foo = r->modules.at("MyProj.Foo");
  EXPECT_EQ(foo.imports, V{"Mathlib.C"});  // MyProj.Bar does not count (and is never read)
  EXPECT_EQ(foo.key, hash::ListHash({r->root_hash, PathHash("MyProj.Foo"),
                                     hash::StringHash("import Mathlib.C\nimport MyProj.Bar\n"),
                                     r->modules.at("Mathlib.C").key}));
  // Every file read exactly once although Mathlib.A is imported three times.
  for (const auto& [file, n] : reader.reads) EXPECT_EQ(n, 1) << file;
  EXPECT_EQ(reader.reads.size(), 6u);  // Mathlib, A, B, C, X, Foo
}

TEST_F(SyntheticWorkspace, ArchiveRootAndClosure) {
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, V{"Archive.Imo", "MyProj.Foo"}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_lines,
            (V{"Warning: ./Mathlib/Gone.lean not found. Skipping all files that depend on it.",
               "Warning: ./Archive/Missing.lean not found. Skipping all files that depend on it."}));
  EXPECT_EQ(r->modules.count("Archive.Imo"), 0u);
  auto closure = ClosureOf(*r, V{"MyProj.Foo"});
  std::vector<std::string> names;
  for (const auto& [name, e] : closure) names.push_back(name);
  EXPECT_EQ(names, (V{"Batteries.X", "Mathlib.A", "Mathlib.C", "MyProj.Foo"}));
  EXPECT_TRUE(ClosureOf(*r, V{"Mathlib"}).empty());  // Mathlib has no key here
  EXPECT_EQ(ClosureOf(*r, V{"Mathlib.A"}).size(), 2u);
}

TEST_F(SyntheticWorkspace, ClosureEntriesPointIntoTheResultInNameOrder) {
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, V{"Archive.Imo", "MyProj.Foo"}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  auto entries = ClosureEntries(*r, V{"MyProj.Foo", "Mathlib.A", "Nope"});
  std::vector<std::string> names;
  for (const auto* e : entries) {
    names.push_back(e->first);
    EXPECT_EQ(e, &*r->modules.find(e->first));  // no copies
  }
  EXPECT_EQ(names, (V{"Batteries.X", "Mathlib.A", "Mathlib.C", "MyProj.Foo"}));
  EXPECT_TRUE(ClosureEntries(*r, V{"Mathlib"}).empty());
}

TEST_F(SyntheticWorkspace, KeysChangeWithContentAndPropagate) {
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto before = ComputeKeys(ws, V{"MyProj.Foo"}, reader, {});
  t_.Write(".lake/packages/batteries/Batteries/X.lean", "prelude\n-- changed\n");
  auto after = ComputeKeys(ws, V{"MyProj.Foo"}, reader, {});
  ASSERT_TRUE(before.ok() && after.ok());
  for (const char* m : {"Batteries.X", "Mathlib.A", "Mathlib.C", "MyProj.Foo"}) {
    EXPECT_NE(before->modules.at(m).key, after->modules.at(m).key) << m;
  }
  EXPECT_EQ(before->root_hash, after->root_hash);
}

TEST_F(SyntheticWorkspace, CycleIsAnError) {
  t_.Write("Mathlib/C.lean", "import Mathlib.D\n");
  t_.Write("Mathlib/D.lean", "import Mathlib.E\n");
  t_.Write("Mathlib/E.lean", "import Mathlib.C\n");
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "dependency loop found involving Mathlib.C!");
  // A self-import too.
  t_.Write("Mathlib/C.lean", "import Mathlib.C\n");
  r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "dependency loop found involving Mathlib.C!");
}

TEST_F(SyntheticWorkspace, ParseErrorNamesModuleLineAndColumn) {
  t_.Write("Mathlib/C.lean", "import Mathlib.A\nimport 3\n");
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Mathlib.C:2:7: expected identifier");
  t_.Write("Mathlib/C.lean", "import Mathlib.A\n\timport B\n");
  r = ComputeKeys(ws, {}, reader, {});
  EXPECT_EQ(r.status().message(),
            "Mathlib.C:2:0: tabs are not allowed; please configure your editor to expand them");
}

TEST_F(SyntheticWorkspace, NonUtf8SourceNamesTheFile) {
  t_.Write("Mathlib/C.lean", "import Mathlib.A\n-- caf\xe9\n");
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), (t_ / "Mathlib/C.lean").string() + ": file is not valid UTF-8");
}

TEST_F(SyntheticWorkspace, UnreadableSourceNamesTheFile) {
  // A directory where the source file should be cannot be read (works even as root).
  std::filesystem::remove(t_ / "Mathlib/C.lean");
  t_.MakeDir("Mathlib/C.lean");
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find((t_ / "Mathlib/C.lean").string()), std::string::npos)
      << r.status();
}

TEST_F(SyntheticWorkspace, UnknownModulePrefixAborts) {
  t_.Write("Mathlib/C.lean", "import Aesop.Frontend\n");  // Aesop counts but is not installed
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "unknown module prefix 'Aesop'")) << r.status();
  // Also for an extra root.
  t_.Write("Mathlib/C.lean", "import Mathlib.A\n");
  r = ComputeKeys(ws, V{"Nope.Foo"}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "unknown module prefix 'Nope'"));
}

TEST_F(SyntheticWorkspace, RootHashErrorsPropagate) {
  std::filesystem::remove(t_ / "lakefile.lean");
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, {}, reader, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find((t_ / "lakefile.lean").string()), std::string::npos);
}

}  // namespace
}  // namespace leancache::keys

namespace leancache::keys {
namespace {

TEST_F(SyntheticWorkspace, ExtraRootsAreCanonicalised) {
  auto ws = OpenOrDie(t_);
  FileSourceReader reader;
  auto r = ComputeKeys(ws, V{"«MyProj».«Foo»", "MyProj.Foo"}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->roots, (V{"Mathlib", "MyProj.Foo"}));
  auto bad = ComputeKeys(ws, V{"My..Proj"}, reader, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("My..Proj"), std::string::npos);
}

TEST(ModuleHash, PathHashEscapesComponents) {
  EXPECT_EQ(PathHash("Mathlib.Init"), hash::StringListHash({"Mathlib", "Init.lean"}));
  EXPECT_EQ(PathHash("Mathlib.«A B».C"), hash::StringListHash({"Mathlib", "«A B»", "C.lean"}));
  EXPECT_EQ(PathHash("Mathlib.«A B»"), hash::StringListHash({"Mathlib", "«A B».lean"}));
  EXPECT_EQ(PathHash("Mathlib"), hash::StringListHash({"Mathlib.lean"}));
  EXPECT_EQ(FileHash(1, 2, 3, {4, 5}), hash::ListHash({1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace leancache::keys

namespace leancache::keys {
namespace {

// The "derived" root_hash / file_hash / path_hash section of vectors/lean-hash.json, end to end.
TEST(KeyGraph, DerivedVectorsFromJson) {
  std::ifstream in(std::string(LEANCACHE_SHARED_DIR) + "/vectors/lean-hash.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto derived = nlohmann::json::parse(ss.str()).at("derived");
  const auto& rh = derived.at("root_hash");
  const auto& fh = derived.at("file_hash");
  const auto& ph = derived.at("path_hash");
  EXPECT_EQ(PathHash(ph.at("module").get<std::string>()), std::stoull(ph.at("hash").get<std::string>()));

  TempTree t;
  for (const char* f : {"lakefile.lean", "lean-toolchain", "lake-manifest.json"}) {
    t.Write(f, rh.at(f).get<std::string>());
  }
  t.Write("Cache/IO.lean", "def rootHashGeneration : UInt64 := " + rh.at("generation").get<std::string>() + "\n");
  const std::string module = fh.at("module").get<std::string>();
  ASSERT_EQ(module, "Mathlib.Init");
  ASSERT_TRUE(fh.at("imports").empty());
  t.Write("Mathlib/Init.lean", fh.at("content").get<std::string>());
  auto ws = workspace::Workspace::Open(t.root(), {});
  ASSERT_TRUE(ws.ok()) << ws.status();
  FileSourceReader reader;
  auto r = ComputeKeys(*ws, V{module}, reader, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->root_hash, std::stoull(rh.at("hash").get<std::string>()));
  EXPECT_EQ(hash::Hex16(r->root_hash), rh.at("hex").get<std::string>());
  EXPECT_EQ(std::stoull(fh.at("root_hash").get<std::string>()), r->root_hash);
  ASSERT_EQ(r->modules.count(module), 1u);
  EXPECT_EQ(r->modules.at(module).key, std::stoull(fh.at("hash").get<std::string>()));
  EXPECT_EQ(ArchiveName(r->modules.at(module).key), fh.at("file").get<std::string>());
  // Mathlib.lean is absent here: the always-present root gets the warning and no key.
  EXPECT_EQ(r->stdout_lines, V{"Warning: ./Mathlib.lean not found. Skipping all files that depend on it."});
}

}  // namespace
}  // namespace leancache::keys
