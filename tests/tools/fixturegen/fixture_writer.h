// Writes a Mathlib-shaped Lake workspace from the real import graph (see fixturegen_main.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "import_graph.h"

namespace leancache::fixturegen {

struct FixtureOptions {
  std::filesystem::path out;
  size_t limit = 0;           // 0 = every module; else N modules closed under imports
  uint64_t seed = 1;
  double size_scale = 1.0;    // scales source sizes
  bool artifacts = false;     // also write synthetic Lake build outputs
  double artifact_scale = 1.0;
  // With artifacts: real-format oleans (a module triplet), .ilean and .c at Mathlib's sizes
  // (real_outputs.h) instead of synthetic bytes; artifact_scale scales those sizes.
  bool real_oleans = false;
  uint64_t generation = 4;    // rootHashGeneration written to Cache/IO.lean
};

struct FixtureSummary {
  std::vector<std::string> graph_modules;  // Mathlib/Archive/Counterexamples modules written
  std::vector<std::string> stub_modules;   // dependency-package stubs written
  uint64_t source_bytes = 0;
  uint64_t artifact_files = 0;
  uint64_t artifact_bytes = 0;
};

// The dependency packages: module root → manifest name (= directory under .lake/packages).
const std::vector<std::pair<std::string, std::string>>& DependencyPackages();

// Generates the workspace under options.out (created if needed). Deterministic for a given
// graph and options. Errors name the path that could not be written.
absl::StatusOr<FixtureSummary> WriteFixture(const std::vector<GraphModule>& graph,
                                            const FixtureOptions& options);

}  // namespace leancache::fixturegen
