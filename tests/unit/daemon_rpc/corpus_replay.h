#pragma once
// Replays a libFuzzer target's seed corpus (tests/fuzz/corpus/<name>/) plus deterministic
// mutants of it through the target's entry point, in the normal (gcc) build and under the
// asan/tsan presets. The fuzz targets trap on a broken invariant, so a finding fails the test
// binary. This is the fuzzers' smoke run inside the unit suite; tests/fuzz/run_fuzzers.sh
// does the long runs with libFuzzer.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace leancache::testing {

using FuzzOne = int (*)(const uint8_t*, size_t);

// Reads every regular file of `dir` (sorted by name); empty when the directory is missing.
inline std::vector<std::string> ReadCorpus(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// One mutant of `seeds[i]`: bit flips, byte overwrites with "interesting" values, truncation,
// chunk duplication/erasure, or a splice with another seed.
inline std::string Mutate(const std::vector<std::string>& seeds, size_t i, std::mt19937_64& rng) {
  std::string s = seeds[i];
  const int steps = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < steps; ++k) {
    const size_t n = s.size();
    switch (rng() % 7) {
      case 0:
        if (n) s[rng() % n] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1: {
        static const unsigned char kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, '"', '{', '}', '\\', '.', '-', '/'};
        if (n) s[rng() % n] = static_cast<char>(kInteresting[rng() % sizeof kInteresting]);
        break;
      }
      case 2:
        if (n) s.resize(rng() % n);
        break;
      case 3:
        if (n) {
          size_t at = rng() % n, len = std::min<size_t>(1 + rng() % 64, n - at);
          s.insert(rng() % (n + 1), s.substr(at, len));
        }
        break;
      case 4:
        if (n) {
          size_t at = rng() % n;
          s.erase(at, std::min<size_t>(1 + rng() % 32, n - at));
        }
        break;
      case 5: {
        const std::string& other = seeds[rng() % seeds.size()];
        size_t cut = s.empty() ? 0 : rng() % s.size();
        size_t from = other.empty() ? 0 : rng() % other.size();
        s = s.substr(0, cut) + other.substr(from);
        break;
      }
      default:
        for (int j = 0, m = 1 + static_cast<int>(rng() % 8); j < m; ++j) {
          s.insert(s.empty() ? 0 : rng() % s.size(), 1, static_cast<char>(rng()));
        }
        break;
    }
  }
  return s;
}

// Runs every seed, then `mutants_per_seed` mutants of each. Returns how many inputs ran.
inline size_t ReplayCorpus(const std::vector<std::string>& seeds, FuzzOne one,
                           int mutants_per_seed, uint64_t rng_seed = 20260) {
  std::mt19937_64 rng(rng_seed);
  size_t ran = 0;
  for (const std::string& s : seeds) {
    one(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ++ran;
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    for (int k = 0; k < mutants_per_seed; ++k) {
      std::string m = Mutate(seeds, i, rng);
      one(reinterpret_cast<const uint8_t*>(m.data()), m.size());
      ++ran;
    }
  }
  return ran;
}

inline std::filesystem::path CorpusDir(const char* name) {
  return std::filesystem::path(LEANCACHE_SOURCE_DIR) / "tests/fuzz/corpus" / name;
}

}  // namespace leancache::testing
