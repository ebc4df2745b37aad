// The eviction order of the bounded cache: archives no project uses before used ones, least
// recently accessed first within each group, pinned keys skipped, deterministic ties.
#include "daemon/evict/eviction_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace leancache::evict {
namespace {

std::vector<uint64_t> Keys(const std::vector<Candidate>& c) {
  std::vector<uint64_t> out;
  for (const auto& x : c) out.push_back(x.key);
  return out;
}

TEST(EvictionPolicy, UnusedFirstThenUsedEachOldestFirst) {
  std::vector<Candidate> c = {
      {1, 10, 500, true}, {2, 10, 100, true}, {3, 10, 900, false}, {4, 10, 300, false}, {5, 10, 50, true},
  };
  SortForEviction(c);
  EXPECT_EQ(Keys(c), (std::vector<uint64_t>{4, 3, 5, 2, 1}));
}

TEST(EvictionPolicy, TiesAreBrokenByKey) {
  std::vector<Candidate> c = {{9, 1, 7, false}, {3, 1, 7, false}, {6, 1, 7, false}};
  SortForEviction(c);
  EXPECT_EQ(Keys(c), (std::vector<uint64_t>{3, 6, 9}));
}

TEST(EvictionPolicy, PickStopsOnceEnoughIsFreed) {
  std::vector<Candidate> c = {{1, 100, 1, false}, {2, 50, 2, false}, {3, 70, 3, false}};
  EXPECT_EQ(Keys(PickVictims(c, 120, nullptr)), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(Keys(PickVictims(c, 100, nullptr)), (std::vector<uint64_t>{1}));
  EXPECT_TRUE(PickVictims(c, 0, nullptr).empty());
  EXPECT_EQ(Keys(PickVictims(c, 1000, nullptr)), (std::vector<uint64_t>{1, 2, 3}));  // falls short
}

TEST(EvictionPolicy, PinnedKeysAreNeverPicked) {
  std::vector<Candidate> c = {{1, 100, 1, false}, {2, 50, 2, false}, {3, 70, 3, true}, {4, 10, 4, true}};
  std::set<uint64_t> pinned = {1, 3};
  auto victims = PickVictims(c, 1000, [&](uint64_t k) { return pinned.count(k) > 0; });
  EXPECT_EQ(Keys(victims), (std::vector<uint64_t>{2, 4}));
}

}  // namespace
}  // namespace leancache::evict
