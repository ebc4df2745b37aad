#include "daemon/editor/prefetch_order.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "absl/strings/str_cat.h"

namespace leancache::editor {
namespace {

std::map<std::string, keys::ModuleEntry> Graph(const std::map<std::string, std::vector<std::string>>& edges) {
  std::map<std::string, keys::ModuleEntry> g;
  for (const auto& [m, imports] : edges) g[m].imports = imports;
  return g;
}

TEST(PrefetchOrderTest, LeavesFirstThenByHeightAndNameWithoutTheRoot) {
  // Root imports B and C; B imports D; C imports D and E; D imports F.
  auto g = Graph({{"Root", {"B", "C"}}, {"B", {"D"}}, {"C", {"D", "E"}}, {"D", {"F"}}, {"E", {}}, {"F", {}}});
  auto order = PrefetchOrder(g, {"Root"});
  EXPECT_EQ(order, (std::vector<std::string>{"E", "F", "D", "B", "C"}));
}

TEST(PrefetchOrderTest, ARootImportedByAnotherRootIsKept) {
  auto g = Graph({{"A", {"B"}}, {"B", {"C"}}, {"C", {}}});
  EXPECT_EQ(PrefetchOrder(g, {"A", "B"}), (std::vector<std::string>{"C", "B"}));
}

TEST(PrefetchOrderTest, ImportsOutsideTheClosureAreIgnored) {
  auto g = Graph({{"A", {"Init", "B"}}, {"B", {"Lean.Elab"}}});
  EXPECT_EQ(PrefetchOrder(g, {"A"}), (std::vector<std::string>{"B"}));
}

TEST(PrefetchOrderTest, EveryPrefixIsImportClosedOnARandomDag) {
  std::mt19937 rng(42);
  std::map<std::string, std::vector<std::string>> edges;
  const int n = 400;
  auto name = [](int i) { return absl::StrCat("M", i); };
  for (int i = 0; i < n; ++i) {
    auto& imps = edges[name(i)];
    for (int k = 0; k < 4 && i > 0; ++k) imps.push_back(name(rng() % i));  // only older modules: acyclic
  }
  edges["Top"] = {name(n - 1), name(n - 2), name(n / 2)};
  auto g = Graph(edges);
  auto order = PrefetchOrder(g, {"Top"});
  std::set<std::string> seen;
  for (const auto& m : order) {
    for (const auto& imp : g.at(m).imports) {
      EXPECT_TRUE(seen.count(imp)) << m << " comes before its import " << imp;
    }
    seen.insert(m);
  }
  EXPECT_EQ(order.size(), g.size() - 1);
  EXPECT_FALSE(seen.count("Top"));
}

}  // namespace
}  // namespace leancache::editor
