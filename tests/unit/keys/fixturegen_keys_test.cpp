// Runs tests/tools/fixturegen on the real Mathlib import graph, then computes keys on the
// generated workspace with the library (Workspace + FileSourceReader + ComputeKeys).
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "common/hash/lean_hash.h"
#include "common/keys/key_graph.h"
#include "common/keys/package_filter.h"
#include "common/workspace/read_file.h"
#include "common/workspace/workspace.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::keys {
namespace {

using leancache::testing::TempTree;
namespace fs = std::filesystem;

std::string GraphFile() { return std::string(LEANCACHE_SHARED_DIR) + "/data/mathlib-import-graph.tsv"; }

std::string FixturegenBinary() {
  if (const char* e = std::getenv("LEANCACHE_FIXTUREGEN")) return e;
#ifdef LEANCACHE_FIXTUREGEN_PATH
  return LEANCACHE_FIXTUREGEN_PATH;
#else
  return std::string(LEANCACHE_BINARY_DIR) + "/tests/tools/fixturegen/leancache-fixturegen";
#endif
}

void RunFixturegen(const fs::path& out, const std::string& extra) {
  const std::string bin = FixturegenBinary();
  ASSERT_TRUE(fs::exists(bin)) << "build leancache-fixturegen first: " << bin;
  const std::string cmd = "'" + bin + "' --graph '" + GraphFile() + "' --out '" + out.string() +
                          "' " + extra + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Imports per module from the TSV (independent of our header parser).
std::map<std::string, std::vector<std::string>> GraphImports() {
  std::map<std::string, std::vector<std::string>> out;
  auto text = workspace::ReadFileBytes(GraphFile());
  EXPECT_TRUE(text.ok());
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    auto& imps = out[cols[0]];
    if (cols.size() > 2) imps = absl::StrSplit(cols[2], ' ', absl::SkipEmpty());
  }
  return out;
}

nlohmann::json FixtureIndex(const fs::path& dir) {
  auto text = workspace::ReadFileBytes(dir / ".fixturegen.json");
  EXPECT_TRUE(text.ok()) << text.status();
  return nlohmann::json::parse(*text);
}

// Modules reachable from `roots` through cached-package imports, restricted to `present`.
std::set<std::string> Reachable(const std::map<std::string, std::vector<std::string>>& graph,
                                const std::set<std::string>& present, std::vector<std::string> roots) {
  std::set<std::string> seen;
  std::deque<std::string> todo(roots.begin(), roots.end());
  while (!todo.empty()) {
    std::string m = todo.front();
    todo.pop_front();
    if (!present.count(m) || !seen.insert(m).second) continue;
    auto it = graph.find(m);
    if (it == graph.end()) continue;  // dependency stub: no imports
    for (const std::string& imp : it->second) {
      if (IsPartOfMathlibCache(imp)) todo.push_back(imp);
    }
  }
  return seen;
}

absl::StatusOr<KeyResult> Keys(const fs::path& dir, std::vector<std::string> roots) {
  auto ws = workspace::Workspace::Open(dir, {});
  if (!ws.ok()) return ws.status();
  FileSourceReader reader;
  return ComputeKeys(*ws, roots, reader, {});
}

TEST(FixturegenKeys, LimitedWorkspaceHashesCleanly) {
  TempTree t;
  RunFixturegen(t / "ws", "--limit 300 --seed 7 --size-scale 0.05 --artifacts --artifact-scale 0.01");
  const fs::path dir = t / "ws";
  nlohmann::json index = FixtureIndex(dir);
  std::set<std::string> present;
  for (const auto& m : index.at("graph_modules")) present.insert(m.get<std::string>());
  for (const auto& m : index.at("stub_modules")) present.insert(m.get<std::string>());
  EXPECT_EQ(index.at("graph_modules").size(), 303u);  // 300 + Mathlib, Archive, Counterexamples

  auto r = Keys(dir, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->stdout_lines.empty()) << r->stdout_lines.front();
  EXPECT_TRUE(r->unhashed.empty());
  EXPECT_EQ(r->generation, 4u);
  const auto graph = GraphImports();
  std::set<std::string> expected = Reachable(graph, present, {"Mathlib"});
  std::set<std::string> got;
  for (const auto& [name, e] : r->modules) got.insert(name);
  EXPECT_EQ(got, expected);
  EXPECT_GT(got.size(), 50u);

  // Same seed → same keys; another seed → another subset.
  RunFixturegen(t / "again", "--limit 300 --seed 7 --size-scale 0.05");
  auto again = Keys(t / "again", {});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->modules.size(), r->modules.size());
  for (const auto& [name, e] : r->modules) EXPECT_EQ(again->modules.at(name).key, e.key) << name;
  RunFixturegen(t / "other", "--limit 300 --seed 8 --size-scale 0.05");
  nlohmann::json other = FixtureIndex(t / "other");
  EXPECT_NE(other.at("graph_modules"), index.at("graph_modules"));
}

TEST(FixturegenKeys, ArtifactsLookLikeLakeOutputs) {
  TempTree t;
  RunFixturegen(t / "ws", "--limit 40 --seed 3 --size-scale 0.05 --artifacts --artifact-scale 0.02");
  auto r = Keys(t / "ws", {});
  ASSERT_TRUE(r.ok()) << r.status();
  size_t checked = 0;
  for (const auto& [name, e] : r->modules) {
    const fs::path lib = e.package_dir / ".lake/build/lib/lean";
    const fs::path ir = e.package_dir / ".lake/build/ir";
    auto trace_text = workspace::ReadFileBytes(lib / (e.relative + ".trace"));
    ASSERT_TRUE(trace_text.ok()) << trace_text.status();
    auto trace = nlohmann::json::parse(*trace_text);
    EXPECT_EQ(trace.at("schemaVersion"), "2025-09-10");
    const std::string dep = trace.at("depHash").get<std::string>();
    EXPECT_EQ(dep.size(), 16u);
    EXPECT_EQ(dep.find_first_not_of("0123456789abcdef"), std::string::npos);
    for (const char* ext : {"olean", "olean.server", "olean.private", "ilean"}) {
      auto bytes = workspace::ReadFileBytes(lib / (e.relative + "." + ext));
      auto h = workspace::ReadFileBytes(lib / (e.relative + "." + ext + ".hash"));
      ASSERT_TRUE(bytes.ok() && h.ok()) << name << " " << ext;
      EXPECT_EQ(*h, hash::Hex16(hash::BytesHash(*bytes))) << name << " " << ext;
      EXPECT_NE(h->find_first_of("abcdef"), std::string::npos);
      EXPECT_NE(bytes->substr(0, 5), "olean");  // synthetic, must not look like a real olean
    }
    EXPECT_EQ(trace.at("outputs").at("o").at(0).get<std::string>(),
              *workspace::ReadFileBytes(lib / (e.relative + ".olean.hash")) + ".olean");
    auto c = workspace::ReadFileBytes(ir / (e.relative + ".c"));
    auto ch = workspace::ReadFileBytes(ir / (e.relative + ".c.hash"));
    ASSERT_TRUE(c.ok() && ch.ok());
    EXPECT_EQ(*ch, hash::Hex16(hash::BytesHash(*c)));
    ++checked;
  }
  EXPECT_EQ(checked, r->modules.size());
}

TEST(FixturegenKeys, FullGraphAllModulesHashed) {
  TempTree t;
  RunFixturegen(t / "ws", "--size-scale 0.01");
  const fs::path dir = t / "ws";
  nlohmann::json index = FixtureIndex(dir);
  EXPECT_EQ(index.at("graph_modules").size(), 8338u);
  auto r = Keys(dir, {"Archive", "Counterexamples"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->stdout_lines.empty());
  size_t stubs = index.at("stub_modules").size();
  EXPECT_EQ(r->modules.size(), 8338u + stubs);
  auto mathlib_only = ClosureOf(*r, {"Mathlib"});
  EXPECT_EQ(mathlib_only.size(), 8223u + stubs);  // every Mathlib module and every stub
  auto ws = workspace::Workspace::Open(dir, {});
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(r->modules.at("Batteries.Tactic.Lint").package_dir, dir / ".lake/packages/batteries");
}

}  // namespace
}  // namespace leancache::keys
