// Test support: seeded random .olean images (1 file or a 3-file module) drawn from the object
// model of ltar.md §8.2: Names/Levels/Exprs with Lean's cached hashes (some deliberately wrong),
// long application spines, sharing, big constructors, boundary scalars, UTF-8 strings, arrays,
// scalar arrays, MPZ, thunks/tasks/refs/promises.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/lgz/olean_builder.h"

namespace leancache::lgz::testing {

struct GenOptions {
  HeaderOptions header;
  bool module = false;  // 3 files (v2 only)
  int items = 60;       // top-level items per file
};

// Deterministic for a given seed and options.
std::vector<std::string> GenerateOlean(uint64_t seed, const GenOptions& opt);

// Boxed-scalar values at the INT width boundaries (i8/i16/i32/i64, 63-bit edges, negatives).
const std::vector<int64_t>& BoundaryScalars();

}  // namespace leancache::lgz::testing
