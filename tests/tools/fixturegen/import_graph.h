// Reader for shared/data/mathlib-import-graph.tsv: "module<TAB>bytes<TAB>imports…" per line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::fixturegen {

struct GraphModule {
  std::string name;
  uint64_t bytes = 0;
  std::vector<std::string> imports;  // source order, as written (other packages included)
};

// Parses the TSV; '#' lines are comments. Errors name the file and line.
absl::StatusOr<std::vector<GraphModule>> ReadImportGraph(const std::filesystem::path& file);

}  // namespace leancache::fixturegen
