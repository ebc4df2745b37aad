// Command statistics: the record's encoding, runs summed into "lifetime" and kept as
// "last:<family>" in a real index (surviving a reopen, accepted by the index's validation),
// zeroing, the JSON shape and the text.
#include "daemon/stats/stats_book.h"

#include <gtest/gtest.h>

#include "daemon/index/records.h"
#include "daemon/stats/run_counters.h"
#include "tests/support/temp_dir.h"

namespace leancache::stats {
namespace {

using leancache::testing::TempDir;

index::StatsRecord MakeRun(std::string command, int64_t at_ms, uint64_t hits, uint64_t misses, uint64_t bytes) {
  RunCounters c;
  c.Add(Counter::kHits, hits);
  c.Add(Counter::kMisses, misses);
  c.Add(Counter::kDownloaded, misses);
  c.Add(Counter::kBytesDownloaded, bytes);
  if (bytes > 1000) c.AddError(ErrorKind::kHttp5xx, 2);
  return c.ToRecord(command, at_ms, 42);
}

TEST(StatsRecord, RoundTripsAndRejectsDamage) {
  index::StatsRecord r = MakeRun("get!", 1234, 5, 6, 7);
  r.runs = 3;
  std::string bytes = index::EncodeStatsRecord(r);
  auto back = index::DecodeStatsRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(absl::IsDataLoss(index::DecodeStatsRecord(bytes.substr(0, bytes.size() - 1)).status()));
  EXPECT_TRUE(absl::IsDataLoss(index::DecodeStatsRecord(bytes + "x").status()));
  EXPECT_TRUE(absl::IsDataLoss(index::DecodeStatsRecord("P" + bytes.substr(1)).status()));
}

TEST(RunCounters, RecordHasEveryCounterAndOnlyErrorsThatHappened) {
  RunCounters c;
  c.Add(Counter::kHits, 3);
  c.AddError(ErrorKind::kTimeout);
  c.AddError(ErrorKind::kTimeout);
  auto r = c.ToRecord("get", 99, 1500);
  EXPECT_EQ(r.runs, 1u);
  EXPECT_EQ(r.command, "get");
  EXPECT_EQ(r.counters.at("hits"), 3u);
  EXPECT_EQ(r.counters.at("misses"), 0u);
  EXPECT_EQ(r.counters.at("bytes_unpacked"), 0u);
  EXPECT_EQ(r.counters.at("milliseconds"), 1500u);
  EXPECT_EQ(r.counters.at("errors.timeout"), 2u);
  EXPECT_EQ(r.counters.count("errors.http_5xx"), 0u);
}

TEST(StatsBook, CommandFamilies) {
  EXPECT_EQ(CommandFamily("get!"), "get");
  EXPECT_EQ(CommandFamily("get-"), "get");
  EXPECT_EQ(CommandFamily("unpack"), "get");
  EXPECT_EQ(CommandFamily("put-staged"), "put");
  EXPECT_EQ(CommandFamily("pack"), "pack");
}

class StatsBookTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    index_.reset();
    auto index = index::Index::Open(tmp_ / "index");
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
  }
  TempDir tmp_;
  std::unique_ptr<index::Index> index_;
};

TEST_F(StatsBookTest, LifetimeSumsAndLastRunPerFamily) {
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 1000, 1, 10, 500)).ok());
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get!", 2000, 0, 11, 2000)).ok());
  ASSERT_TRUE(RecordRun(*index_, MakeRun("put", 3000, 4, 0, 0)).ok());
  Open();  // durable, and the index's own check accepts the records (no rebuild)
  EXPECT_FALSE(index_->rebuilt());
  auto s = ReadStats(*index_);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->lifetime.has_value());
  EXPECT_EQ(s->lifetime->runs, 3u);
  EXPECT_EQ(s->lifetime->first_ms, 1000);
  EXPECT_EQ(s->lifetime->last_ms, 3000);
  EXPECT_EQ(s->lifetime->command, "put");
  EXPECT_EQ(s->lifetime->counters.at("hits"), 5u);
  EXPECT_EQ(s->lifetime->counters.at("misses"), 21u);
  EXPECT_EQ(s->lifetime->counters.at("bytes_downloaded"), 2500u);
  EXPECT_EQ(s->lifetime->counters.at("errors.http_5xx"), 2u);
  EXPECT_EQ(s->lifetime->counters.at("milliseconds"), 126u);
  ASSERT_EQ(s->last.size(), 2u);
  EXPECT_EQ(s->last[0].first, "get");
  EXPECT_EQ(s->last[0].second.command, "get!");
  EXPECT_EQ(s->last[0].second.counters.at("misses"), 11u);
  EXPECT_EQ(s->last[0].second.runs, 1u);
  EXPECT_EQ(s->last[1].first, "put");
}

TEST_F(StatsBookTest, ZeroDeletesEverything) {
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 1000, 1, 10, 500)).ok());
  auto n = ZeroStats(*index_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  auto s = ReadStats(*index_);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->lifetime.has_value());
  EXPECT_TRUE(s->last.empty());
  EXPECT_EQ(SnapshotText(*s), std::vector<std::string>{"No statistics recorded yet."});
  EXPECT_TRUE(SnapshotJson(*s)["lifetime"].is_null());
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 5000, 2, 0, 0)).ok());  // counting starts again
  EXPECT_EQ(ReadStats(*index_)->lifetime->first_ms, 5000);
}

TEST_F(StatsBookTest, JsonShape) {
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 1000, 1, 10, 5000)).ok());
  auto doc = SnapshotJson(*ReadStats(*index_));
  for (const auto& block : {doc["lifetime"], doc["last"]["get"]}) {
    for (const char* key : {"runs", "command", "first_unix_ms", "last_unix_ms", "hits", "misses", "downloaded",
                            "not_found", "bytes_downloaded", "unpacked", "bytes_unpacked", "archives_evicted",
                            "bytes_evicted", "milliseconds", "errors"}) {
      EXPECT_TRUE(block.contains(key)) << key << " in " << block.dump();
    }
    EXPECT_EQ(block["errors"]["http_5xx"], 2);
    EXPECT_EQ(block["bytes_downloaded"], 5000);
  }
  auto text = SnapshotText(*ReadStats(*index_));
  ASSERT_GE(text.size(), 6u);
  EXPECT_EQ(text[0].rfind("Last get (get, ", 0), 0u) << text[0];
  EXPECT_NE(text[1].find("1 hits, 10 misses (9.1% hits)"), std::string::npos) << text[1];
  EXPECT_NE(text[4].find("http_5xx 2"), std::string::npos) << text[4];
}

TEST_F(StatsBookTest, PutRunsShowTheirUploads) {
  RunCounters put;
  put.Add(Counter::kUploaded, 12);
  put.Add(Counter::kAlreadyOnServer, 3);
  put.Add(Counter::kUploadFailed, 55);
  put.Add(Counter::kBytesUploaded, 2048);
  ASSERT_TRUE(RecordRun(*index_, put.ToRecord("put!", 7000, 40)).ok());
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 8000, 1, 0, 0)).ok());
  auto s = ReadStats(*index_);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->last.size(), 2u);
  EXPECT_EQ(s->last[1].first, "put");
  EXPECT_EQ(s->last[1].second.counters.at("upload_failed"), 55u);
  EXPECT_EQ(s->lifetime->counters.at("uploaded"), 12u);
  EXPECT_EQ(s->lifetime->runs, 2u);
  auto doc = SnapshotJson(*s);
  EXPECT_EQ(doc["last"]["put"]["already_on_server"], 3);
  EXPECT_EQ(doc["last"]["put"]["bytes_uploaded"], 2048);
  EXPECT_EQ(doc["last"]["put"]["command"], "put!");
  std::string all;
  for (const auto& line : SnapshotText(*s)) all += line + "\n";
  EXPECT_NE(all.find("uploads:  12 uploaded (2.0 KiB), 3 already on the server, 55 failed"), std::string::npos) << all;
  // A get-only record has no uploads line.
  ASSERT_TRUE(ZeroStats(*index_).ok());
  ASSERT_TRUE(RecordRun(*index_, MakeRun("get", 9000, 1, 0, 0)).ok());
  all.clear();
  for (const auto& line : SnapshotText(*ReadStats(*index_))) all += line + "\n";
  EXPECT_EQ(all.find("uploads:"), std::string::npos) << all;
}

TEST(HumanBytes, Units) {
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(uint64_t{20} << 30), "20.0 GiB");
}

}  // namespace
}  // namespace leancache::stats
