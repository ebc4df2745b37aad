// The negative cache as a get job sees it (daemon/get/recent_misses.h): misses noted in one
// job are skipped by the next, `get!` and `--refresh` bypass them, a put forgets them, and the
// TTL comes from the request or the config.
#include "daemon/get/recent_misses.h"

#include <gtest/gtest.h>

#include "daemon/index/index.h"
#include "daemon/index/negative_cache.h"
#include "daemon/sources/config.h"
#include "daemon/sources/negative_cache_ttl.h"
#include "tests/support/temp_dir.h"

namespace leancache::get {
namespace {

using leancache::testing::TempDir;

sources::Round MakeRound(const std::string& host) {
  sources::Round r;
  r.label = "mirror";
  r.base_url = host;
  r.url_prefix = host + "/f/";
  return r;
}

class RecentMissesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = index::Index::Open(tmp_ / "index", index::IndexOptions{.initial_map_size = size_t{16} << 20,
                                                                        .check_in_child = false});
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
  }
  // One job's round: returns what Lookup said, then notes `missed` as fresh misses.
  RecentMisses::Known Job(const std::map<std::string, std::string>& options, bool force,
                          const std::vector<std::string>& missing, const std::vector<std::string>& missed) {
    RecentMisses recent(index_.get(), config_, env_, options, force);
    auto known = recent.Lookup(round_, missing);
    for (const auto& h : missed) recent.Missed(h);
    recent.EndRound(round_);
    return known;
  }

  TempDir tmp_;
  std::unique_ptr<index::Index> index_;
  sources::Config config_;
  std::map<std::string, std::string> env_;
  sources::Round round_ = MakeRound("http://127.0.0.1:1");
  const std::vector<std::string> keys_ = {"00000000000000a1", "00000000000000a2", "00000000000000a3"};
};

TEST_F(RecentMissesTest, ASecondJobSkipsWhatTheFirstFoundMissing) {
  auto first = Job({}, false, keys_, {keys_[0], keys_[2]});
  EXPECT_EQ(first.count, 0u);
  auto second = Job({}, false, keys_, {});
  EXPECT_EQ(second.count, 2u);
  EXPECT_EQ(second.missing, (std::vector<bool>{true, false, true}));
  ASSERT_TRUE(second.oldest_ms.has_value());
  EXPECT_EQ(RecentMisses::Message(round_, second, *second.oldest_ms + 3 * 60000 + 5),
            "2 file(s) not on the server at http://127.0.0.1:1 (checked 3 min ago); "
            "`get!` or `get --refresh` asks again");
  // Another source has its own memory.
  RecentMisses other(index_.get(), config_, env_, {}, false);
  EXPECT_EQ(other.Lookup(MakeRound("http://127.0.0.1:2"), keys_).count, 0u);
}

TEST_F(RecentMissesTest, GetBangAndRefreshBypassButStillRecord) {
  Job({}, false, keys_, {keys_[0]});
  EXPECT_EQ(Job({}, /*force=*/true, keys_, {keys_[1]}).count, 0u);          // get!
  EXPECT_EQ(Job({{"refresh", ""}}, false, keys_, {keys_[2]}).count, 0u);    // get --refresh
  EXPECT_EQ(Job({}, false, keys_, {}).count, 3u);  // what they learnt is remembered
}

TEST_F(RecentMissesTest, APutOfTheKeyForgetsIt) {
  Job({}, false, keys_, {keys_[0], keys_[1]});
  ASSERT_TRUE(index::NegativeCache(*index_).Forget({keys_[0]}).ok());  // what put does
  auto known = Job({}, false, keys_, {});
  EXPECT_EQ(known.missing, (std::vector<bool>{false, true, false}));
}

TEST_F(RecentMissesTest, TtlZeroTurnsItOff) {
  env_["LEANCACHE_NEGATIVE_CACHE_TTL"] = "0";
  Job({}, false, keys_, {keys_[0]});
  EXPECT_EQ(Job({}, false, keys_, {}).count, 0u);
  EXPECT_EQ(*index::NegativeCache(*index_).Size(), 0u);
}

TEST(NegativeCacheTtl, FromRequestConfigOrDefault) {
  sources::Config config;
  EXPECT_EQ(*sources::NegativeCacheTtlMs(config, {}), 10 * 60 * 1000);
  config.extra["negative_cache_ttl"] = "90s";
  EXPECT_EQ(*sources::NegativeCacheTtlMs(config, {}), 90 * 1000);
  config.extra["negative_cache_ttl"] = 30;
  EXPECT_EQ(*sources::NegativeCacheTtlMs(config, {}), 30 * 1000);
  EXPECT_EQ(*sources::NegativeCacheTtlMs(config, {{"LEANCACHE_NEGATIVE_CACHE_TTL", "2h"}}), 2 * 3600 * 1000);
  EXPECT_FALSE(sources::NegativeCacheTtlMs(config, {{"LEANCACHE_NEGATIVE_CACHE_TTL", "soon"}}).ok());
  config.extra["negative_cache_ttl"] = true;
  EXPECT_FALSE(sources::NegativeCacheTtlMs(config, {}).ok());
}

}  // namespace
}  // namespace leancache::get
