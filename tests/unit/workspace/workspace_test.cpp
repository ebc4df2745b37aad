#include "common/workspace/workspace.h"

#include <gtest/gtest.h>

#include "common/workspace/manifest.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::workspace {
namespace {

using leancache::testing::ManifestWith;
using leancache::testing::TempTree;

// Mathlib repo layout with one dependency (batteries).
void MakeMathlibRepo(const TempTree& t) {
  t.Write("lake-manifest.json", ManifestWith({"batteries"}));
  t.Write("Mathlib.lean", "import Mathlib.Init\n");
  t.Write("Mathlib/Init.lean", "");
  t.Write(".lake/packages/batteries/Batteries/Data/List.lean", "prelude\n");
}

TEST(Workspace, OpensMathlibRepoWithDependency) {
  TempTree t;
  MakeMathlibRepo(t);
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_TRUE(ws.ok()) << ws.status();
  EXPECT_EQ(ws->root(), t.root());
  EXPECT_EQ(ws->mathlib_dir(), t.root());
  ASSERT_EQ(ws->search_path().size(), 2u);
  EXPECT_EQ(ws->search_path()[0].text, ".lake/packages/batteries");
  EXPECT_EQ(ws->search_path()[0].dir, t / ".lake/packages/batteries");
  EXPECT_EQ(ws->search_path()[1].text, ".");
  EXPECT_EQ(ws->search_path()[1].dir, t.root());
  ASSERT_EQ(ws->manifest().packages.size(), 1u);
  EXPECT_EQ(ws->manifest().packages[0].name, "batteries");

  auto b = ws->ResolveModule("Batteries.Data.List");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->source, t / ".lake/packages/batteries/Batteries/Data/List.lean");
  EXPECT_EQ(b->package_dir, t / ".lake/packages/batteries");
  EXPECT_EQ(b->relative, "Batteries/Data/List");
  EXPECT_EQ(b->search_entry, ".lake/packages/batteries");
  EXPECT_EQ(b->source_display, ".lake/packages/batteries/Batteries/Data/List.lean");

  auto m = ws->ResolveModule("Mathlib.Init");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->source, t / "Mathlib/Init.lean");
  EXPECT_EQ(m->source_display, "./Mathlib/Init.lean");
  // The file need not exist.
  auto gone = ws->ResolveModule("Mathlib.Not.There");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->relative, "Mathlib/Not/There");
  // A root given as a single file works too.
  EXPECT_TRUE(ws->ResolveModule("Mathlib").ok());
  EXPECT_EQ(ws->ResolveModule("Mathlib")->relative, "Mathlib");
}

TEST(Workspace, GuillemetComponentsResolveToRawFileNames) {
  TempTree t;
  MakeMathlibRepo(t);
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_TRUE(ws.ok());
  auto r = ws->ResolveModule("Mathlib.«A B».C");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->relative, "Mathlib/A B/C");
}

TEST(Workspace, UnknownModulePrefix) {
  TempTree t;
  MakeMathlibRepo(t);
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_TRUE(ws.ok());
  auto r = ws->ResolveModule("Aesop.Frontend");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "unknown module prefix 'Aesop'\n\nNo directory 'Aesop' or file 'Aesop.lean' in the "
            "search path entries:\n.lake/packages/batteries\n.");
}

TEST(Workspace, DownstreamProjectFindsMathlibInPackages) {
  TempTree t;
  t.Write("lake-manifest.json", ManifestWith({"batteries", "mathlib"}));
  t.Write("MyProj.lean", "import Mathlib\n");
  t.Write(".lake/packages/mathlib/Mathlib.lean", "");
  t.Write(".lake/packages/batteries/Batteries.lean", "");
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_TRUE(ws.ok()) << ws.status();
  EXPECT_EQ(ws->mathlib_dir(), t / ".lake/packages/mathlib");
  EXPECT_EQ(ws->ResolveModule("MyProj")->source, t / "MyProj.lean");
  EXPECT_EQ(ws->ResolveModule("Mathlib.X")->search_entry, ".lake/packages/mathlib");
}

TEST(Workspace, NoMathlibAnywhereIsAnError) {
  TempTree t;
  t.Write("lake-manifest.json", ManifestWith({}));
  t.Write("Foo.lean", "");
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_FALSE(ws.ok());
  EXPECT_NE(ws.status().message().find("unknown module prefix 'Mathlib'"), std::string::npos);
}

TEST(Workspace, BrokenManifestNamesTheFile) {
  TempTree t;
  t.Write("Mathlib.lean", "");
  t.Write("lake-manifest.json", "{\"packages\": [ {\"name\": ");
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ws.status().message().find((t / "lake-manifest.json").string()), std::string::npos)
      << ws.status();
  EXPECT_NE(ws.status().message().find("not valid JSON"), std::string::npos);

  t.Write("lake-manifest.json", "{\"packages\": 3}");
  ws = Workspace::Open(t.root(), {});
  ASSERT_FALSE(ws.ok());
  EXPECT_NE(ws.status().message().find("'packages' is not an array"), std::string::npos);

  t.Write("lake-manifest.json", "{\"packages\": [{\"type\": \"git\"}]}");
  ws = Workspace::Open(t.root(), {});
  ASSERT_FALSE(ws.ok());
  EXPECT_NE(ws.status().message().find("has no 'name'"), std::string::npos);
}

TEST(Workspace, MissingManifestNamesTheFile) {
  TempTree t;
  t.Write("Mathlib.lean", "");
  auto ws = Workspace::Open(t.root(), {});
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(ws.status().message().find((t / "lake-manifest.json").string()), std::string::npos);
}

TEST(Workspace, LeanSrcPathIsRelativised) {
  TempTree t;
  MakeMathlibRepo(t);
  const std::string root = t.root().string();
  std::map<std::string, std::string> env = {
      {"LEAN_SRC_PATH", root + "/.lake/packages/batteries:" + root + "::/nonexistent/lib"}};
  auto ws = Workspace::Open(t.root(), env);
  ASSERT_TRUE(ws.ok()) << ws.status();
  ASSERT_EQ(ws->search_path().size(), 3u);
  EXPECT_EQ(ws->search_path()[0].text, ".lake/packages/batteries");
  EXPECT_EQ(ws->search_path()[1].text, ".");
  EXPECT_EQ(ws->search_path()[2].text, "/nonexistent/lib");
  EXPECT_EQ(ws->mathlib_dir(), t.root());
  // Lake's "./." form resolves to the same directory.
  auto ws2 = Workspace::FromSearchPath(t.root(), {"./.", ".lake/packages/batteries/."});
  ASSERT_TRUE(ws2.ok()) << ws2.status();
  EXPECT_EQ(ws2->mathlib_dir(), t.root());
  EXPECT_EQ(ws2->ResolveModule("Mathlib.Init")->source_display, "././Mathlib/Init.lean");
}

TEST(Workspace, LeanSrcPathWorksWithoutManifest) {
  TempTree t;
  t.Write("Mathlib.lean", "");
  auto ws = Workspace::Open(t.root(), {{"LEAN_SRC_PATH", t.root().string()}});
  ASSERT_TRUE(ws.ok()) << ws.status();
  EXPECT_EQ(ws->search_path().size(), 1u);
  // An empty LEAN_SRC_PATH counts as unset, so the manifest is required again.
  EXPECT_FALSE(Workspace::Open(t.root(), {{"LEAN_SRC_PATH", ""}}).ok());
}

TEST(Manifest, OldWrappedFormatPathPackagesAndPackagesDir) {
  auto m = ParseManifest(
      R"({"version": 5, "packagesDir": "lake-packages", "packages": [
           {"git": {"url": "u", "subDir?": null, "rev": "r", "name": "std", "inputRev?": "main"}},
           {"path": {"name": "local", "dir": "../local"}},
           {"type": "git", "name": "sub", "subDir": "pkg", "rev": "r2"}]})",
      "x/lake-manifest.json");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->packages.size(), 3u);
  EXPECT_EQ(m->packages[0].PackageDirText(m->packages_dir), "lake-packages/std");
  EXPECT_EQ(m->packages[1].PackageDirText(m->packages_dir), "../local");
  EXPECT_EQ(m->packages[2].PackageDirText(m->packages_dir), "lake-packages/sub/pkg");
  EXPECT_TRUE(ParseManifest("{}", "f").ok());
  auto bad = ParseManifest("[]", "some/lake-manifest.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "some/lake-manifest.json: invalid lake manifest: top level is not a JSON object");
}

}  // namespace
}  // namespace leancache::workspace
