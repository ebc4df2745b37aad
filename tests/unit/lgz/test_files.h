// Test helpers: reading the shared LGZ vectors.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace leancache::lgz::testing {

inline std::string VectorPath(const std::string& rel) {
  return std::string(LEANCACHE_SHARED_DIR) + "/vectors/ltar/" + rel;
}

// Reads a vector file; fails the current test if missing.
inline std::string ReadVector(const std::string& rel) {
  std::ifstream in(VectorPath(rel), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing vector " << VectorPath(rel);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Index of the first differing byte, or -1.
inline long FirstDiff(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<long>(i);
  }
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

}  // namespace leancache::lgz::testing
