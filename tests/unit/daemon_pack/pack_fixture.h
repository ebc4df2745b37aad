// A Mathlib-shaped workspace with build artifacts (tests/tools/fixturegen), hashed once per test
// binary and made a git checkout, for the pack tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/keys/key_graph.h"
#include "common/workspace/workspace.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::pack::testing {

namespace fs = std::filesystem;

inline std::string FixturegenBinary() {
  if (const char* e = std::getenv("LEANCACHE_FIXTUREGEN")) return e;
  return std::string(LEANCACHE_BINARY_DIR) + "/tests/tools/fixturegen/leancache-fixturegen";
}

inline int Shell(const std::string& cmd) { return std::system(cmd.c_str()); }

// Makes `dir` a git checkout with one commit of everything in it.
inline int GitCommitAll(const fs::path& dir) {
  const std::string g = "git -C '" + dir.string() + "' -c user.email=t@t -c user.name=t ";
  return Shell("git init -q '" + dir.string() + "' && " + g + "add -A && " + g +
               "commit -q -m fixture > /dev/null");
}

struct Project {
  leancache::testing::TempTree tree;
  fs::path root;
  std::optional<workspace::Workspace> ws;
  keys::KeyResult keys;
  std::vector<const std::pair<const std::string, keys::ModuleEntry>*> scope;
};

// Generates, hashes and commits the workspace; fails the current test on any error.
inline std::unique_ptr<Project> MakeProject() {
  auto p = std::make_unique<Project>();
  p->root = p->tree / "ws";
  const std::string bin = FixturegenBinary();
  EXPECT_TRUE(fs::exists(bin)) << "build leancache-fixturegen first: " << bin;
  const std::string cmd = "'" + bin + "' --graph '" + LEANCACHE_SHARED_DIR +
                          "/data/mathlib-import-graph.tsv' --out '" + p->root.string() +
                          "' --limit 40 --seed 3 --size-scale 0.05 --artifacts "
                          "--artifact-scale 0.02 > /dev/null";
  if (Shell(cmd) != 0) {
    ADD_FAILURE() << cmd;
    return nullptr;
  }
  auto ws = workspace::Workspace::Open(p->root, {});
  if (!ws.ok()) {
    ADD_FAILURE() << ws.status();
    return nullptr;
  }
  p->ws.emplace(std::move(*ws));
  keys::FileSourceReader reader;
  auto r = keys::ComputeKeys(*p->ws, {}, reader, {});
  if (!r.ok()) {
    ADD_FAILURE() << r.status();
    return nullptr;
  }
  p->keys = std::move(*r);
  for (const auto& e : p->keys.modules) p->scope.push_back(&e);
  if (GitCommitAll(p->root) != 0) {
    ADD_FAILURE() << "git init/commit failed in " << p->root;
    return nullptr;
  }
  return p;
}

}  // namespace leancache::pack::testing
