// The negative cache (daemon/index/negative_cache.h): per source and key, expiry by the caller's
// time to live, invalidation (Forget, as after a put), the size bound, persistence. No clock:
// every call gets its "now".
#include "daemon/index/negative_cache.h"

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "tests/support/temp_dir.h"

namespace leancache::index {
namespace {

using leancache::testing::TempDir;

constexpr char kSrcA[] = "https://a.example/f/{hash16}.ltar";
constexpr char kSrcB[] = "https://b.example/f/{hash16}.ltar";
constexpr int64_t kMin = 60 * 1000;

std::unique_ptr<Index> MustOpen(const std::filesystem::path& dir) {
  auto index = Index::Open(dir, IndexOptions{.initial_map_size = size_t{16} << 20, .check_in_child = false});
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *std::move(index) : nullptr;
}

std::vector<std::string> Keys(std::initializer_list<uint64_t> ks) {
  std::vector<std::string> out;
  for (uint64_t k : ks) out.push_back(absl::StrFormat("%016x", k));
  return out;
}

TEST(NegativeCache, RemembersPerSourceAndKeyUntilTheTtlExpires) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  NegativeCache cache(*index);
  const int64_t t0 = 1'700'000'000'000;
  ASSERT_TRUE(cache.RecordMisses(kSrcA, Keys({1, 2}), t0).ok());
  auto hits = cache.Lookup(kSrcA, Keys({1, 2, 3}), t0 + 9 * kMin, 10 * kMin);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ((*hits)[0], t0);
  EXPECT_EQ((*hits)[1], t0);
  EXPECT_FALSE((*hits)[2].has_value());  // never missed
  // Another source never said so.
  auto other = cache.Lookup(kSrcB, Keys({1}), t0 + kMin, 10 * kMin);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE((*other)[0].has_value());
  // Expired: ten minutes after the check, the server is asked again.
  auto expired = cache.Lookup(kSrcA, Keys({1}), t0 + 10 * kMin, 10 * kMin);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE((*expired)[0].has_value());
  // A TTL of 0 turns it off; a check "in the future" (clock stepped back) does not count.
  EXPECT_FALSE((*cache.Lookup(kSrcA, Keys({1}), t0 + 1, 0))[0].has_value());
  EXPECT_FALSE((*cache.Lookup(kSrcA, Keys({1}), t0 - 1, 10 * kMin))[0].has_value());
  // A new miss refreshes the time.
  ASSERT_TRUE(cache.RecordMisses(kSrcA, Keys({1}), t0 + 20 * kMin).ok());
  EXPECT_EQ((*cache.Lookup(kSrcA, Keys({1}), t0 + 21 * kMin, 10 * kMin))[0], t0 + 20 * kMin);
}

TEST(NegativeCache, ForgetDropsAKeyForEverySource) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  NegativeCache cache(*index);
  ASSERT_TRUE(cache.RecordMisses(kSrcA, Keys({1, 2}), 1000).ok());
  ASSERT_TRUE(cache.RecordMisses(kSrcB, Keys({1}), 1000).ok());
  auto dropped = cache.Forget(Keys({1}));
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(*dropped, 2u);
  EXPECT_FALSE((*cache.Lookup(kSrcA, Keys({1}), 1001, kMin))[0].has_value());
  EXPECT_FALSE((*cache.Lookup(kSrcB, Keys({1}), 1001, kMin))[0].has_value());
  EXPECT_TRUE((*cache.Lookup(kSrcA, Keys({2}), 1001, kMin))[0].has_value());
  EXPECT_EQ(*cache.Size(), 1u);
  // A key prefix of another key is not touched ("...01" vs "...010" cannot occur with fixed
  // width hex, but a different key with the same leading digits must survive).
  ASSERT_TRUE(cache.RecordMisses(kSrcA, Keys({0x10}), 1000).ok());
  EXPECT_EQ(*cache.Forget(Keys({0x1})), 0u);
  EXPECT_EQ(*cache.Size(), 2u);
}

TEST(NegativeCache, BoundedOldestFirst) {
  TempDir tmp;
  auto index = MustOpen(tmp / "index");
  NegativeCache cache(*index, /*max_entries=*/5);
  for (uint64_t k = 0; k < 8; ++k) ASSERT_TRUE(cache.RecordMisses(kSrcA, Keys({k}), 1000 + k).ok());
  EXPECT_EQ(*cache.Size(), 5u);
  auto hits = cache.Lookup(kSrcA, Keys({0, 1, 2, 3, 7}), 2000, kMin);
  ASSERT_TRUE(hits.ok());
  EXPECT_FALSE((*hits)[0].has_value());
  EXPECT_FALSE((*hits)[1].has_value());
  EXPECT_FALSE((*hits)[2].has_value());
  EXPECT_TRUE((*hits)[3].has_value());
  EXPECT_TRUE((*hits)[4].has_value());
}

TEST(NegativeCache, SurvivesAReopen) {
  TempDir tmp;
  {
    auto index = MustOpen(tmp / "index");
    ASSERT_TRUE(NegativeCache(*index).RecordMisses(kSrcA, Keys({42}), 5000).ok());
  }
  auto index = MustOpen(tmp / "index");
  ASSERT_NE(index, nullptr);
  EXPECT_FALSE(index->rebuilt());
  EXPECT_EQ((*NegativeCache(*index).Lookup(kSrcA, Keys({42}), 6000, kMin))[0], 5000);
}

}  // namespace
}  // namespace leancache::index
