#pragma once
// Loads the shared test vectors (../shared/vectors/lean-hash.json) for any unit test area:
// include as "tests/support/lean_hash_vectors.h".

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace leancache::testing {

inline const nlohmann::json& LeanHashVectors() {
  static const nlohmann::json kVectors = [] {
    std::ifstream in(std::string(LEANCACHE_SHARED_DIR) + "/vectors/lean-hash.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
  }();
  return kVectors;
}

// The array under `key`; fails the test (and returns an empty array) if it is missing.
inline nlohmann::json VectorList(const std::string& key) {
  const nlohmann::json& all = LeanHashVectors();
  if (!all.contains(key) || !all[key].is_array() || all[key].empty()) {
    ADD_FAILURE() << "vector list " << key << " missing or empty";
    return nlohmann::json::array();
  }
  return all[key];
}

}  // namespace leancache::testing
