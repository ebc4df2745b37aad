// CacheQuota over a real index and CACHEDIR: reservations evict by the policy, pinned archives
// survive, project-used archives go last, waiting reservations proceed when pins are released,
// and concurrent downloads never push the directory over the cap.
#include "daemon/evict/cache_quota.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/store/blob_store.h"
#include "tests/support/temp_dir.h"

namespace leancache::evict {
namespace {

using leancache::testing::TempDir;
using leancache::testing::WriteFile;
using namespace std::chrono_literals;

// A valid archive of exactly `size` bytes.
std::string Archive(size_t size, char fill) {
  std::string out = "LTR3";
  out += std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8);
  out += std::string("lib/Big.trace\0", 14);
  out += std::string(size - out.size(), fill);
  return out;
}

// Bytes of every regular file in `dir` (archives and partial downloads).
uint64_t DirBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    struct stat st;
    if (::lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += st.st_size;
  }
  return total;
}

class CacheQuotaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = index::Index::Open(tmp_ / "index");
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = *std::move(index);
    auto store = store::BlobStore::Open(tmp_ / "cache", index_.get());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    quota_ = std::make_unique<CacheQuota>(index_.get());
  }

  // Adds archive `key` of `size` bytes last accessed at `access_ms`, used by `users`.
  void Put(uint64_t key, size_t size, int64_t access_ms, std::set<std::string> users = {}) {
    auto temp = store_->TempPathFor(key);
    ASSERT_TRUE(temp.ok());
    WriteFile(*temp, Archive(size, 'a'));
    auto adopted = store_->Adopt(*temp, key, "test");
    ASSERT_TRUE(adopted.ok()) << adopted.status();
    auto n = index_->UpdateBlobs(store_->dir().string(), {key}, [&](index::BlobRecord& r) {
      r.last_access_ms = access_ms;
      r.users = users;
    });
    ASSERT_TRUE(n.ok() && *n == 1);
  }

  bool Has(uint64_t key) { return std::filesystem::exists(store_->Path(key)); }

  absl::StatusOr<std::unique_ptr<Reservation>> Reserve(uint64_t key, uint64_t bytes, uint64_t cap,
                                                       std::chrono::milliseconds wait = 0ms) {
    return quota_->Reserve(*store_, key, bytes, cap, wait, nullptr, &counters_);
  }

  TempDir tmp_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<store::BlobStore> store_;
  std::unique_ptr<CacheQuota> quota_;
  EvictionCounters counters_;
};

TEST_F(CacheQuotaTest, ReserveWithinCapEvictsNothing) {
  Put(1, 1000, 100);
  Put(2, 1000, 200);
  auto r = Reserve(9, 1000, 3000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Has(1) && Has(2));
  auto usage = quota_->UsageOf(*store_);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->archive_bytes, 2000u);
  EXPECT_EQ(usage->archives, 2u);
  EXPECT_EQ(usage->reserved_bytes, 1000u);
  r->reset();
  EXPECT_EQ(quota_->UsageOf(*store_)->reserved_bytes, 0u);
}

TEST_F(CacheQuotaTest, EvictsLeastRecentlyAccessedFirst) {
  Put(1, 1000, 300);
  Put(2, 1000, 100);  // oldest
  Put(3, 1000, 200);
  auto r = Reserve(9, 1000, 3100);  // an eviction pass also frees cap/64 of slack: 1 archive here
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(Has(2));
  EXPECT_TRUE(Has(1) && Has(3));
  EXPECT_FALSE(index_->GetBlob(store_->dir().string(), 2)->has_value());
  EXPECT_EQ(counters_.archives.load(), 1u);
  EXPECT_EQ(counters_.bytes.load(), 1000u);
}

TEST_F(CacheQuotaTest, PinnedArchivesAreNeverEvicted) {
  Put(1, 1000, 100);
  Put(2, 1000, 200);
  Put(3, 1000, 300);
  Pin p1 = quota_->PinKey(*store_, 1);
  Pin p2 = quota_->PinKey(*store_, 2);
  auto r = Reserve(9, 1500, 3000);  // needs two evictions; only 3 is free
  EXPECT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
  EXPECT_TRUE(Has(1) && Has(2));
  EXPECT_FALSE(Has(3));
  p1.Release();
  auto r2 = Reserve(9, 1500, 3000);
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_FALSE(Has(1));
  EXPECT_TRUE(Has(2));
}

TEST_F(CacheQuotaTest, ArchivesOfLiveProjectsGoLast) {
  std::filesystem::create_directories(tmp_ / "projA");
  const std::string live = (tmp_ / "projA").string(), gone = (tmp_ / "deleted-project").string();
  Put(1, 1000, 100, {live});  // oldest, but used by an existing project
  Put(2, 1000, 500, {gone});  // its only user is gone: unused
  Put(3, 1000, 400);          // no users
  Put(4, 1000, 200, {live});
  auto r = Reserve(9, 2000, 4100);  // must free 2000 (+ cap/64 of slack)
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(Has(2));
  EXPECT_FALSE(Has(3));
  EXPECT_TRUE(Has(1) && Has(4));
  EXPECT_EQ(counters_.used_by_projects.load(), 0u);
  auto r2 = Reserve(10, 1000, 4100);  // now a used one must go: the least recent (1)
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_FALSE(Has(1));
  EXPECT_TRUE(Has(4));
  EXPECT_EQ(counters_.used_by_projects.load(), 1u);
}

TEST_F(CacheQuotaTest, TooLargeForTheCapIsRefusedAtOnce) {
  auto r = Reserve(9, 5000, 4000, 10s);
  EXPECT_TRUE(absl::IsResourceExhausted(r.status()));
  EXPECT_NE(r.status().message().find("does not fit"), std::string::npos) << r.status();
}

TEST_F(CacheQuotaTest, WaitsForAPinToBeReleased) {
  Put(1, 3000, 100);
  auto pin = std::make_unique<Pin>(quota_->PinKey(*store_, 1));
  std::thread releaser([&] {
    std::this_thread::sleep_for(150ms);
    pin.reset();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = Reserve(9, 2000, 4000, 10s);
  auto waited = std::chrono::steady_clock::now() - start;
  releaser.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(waited, 100ms);
  EXPECT_FALSE(Has(1));
}

TEST_F(CacheQuotaTest, CancelledWhileWaiting) {
  Put(1, 3000, 100);
  Pin pin = quota_->PinKey(*store_, 1);
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    cancel = true;
  });
  auto r = quota_->Reserve(*store_, 9, 2000, 4000, 10s, [&] { return cancel.load(); });
  canceller.join();
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_TRUE(Has(1));
}

TEST_F(CacheQuotaTest, GrowAndCommitKeepTheBooks) {
  Put(1, 1000, 100);
  auto r = Reserve(9, 500, 3000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->GrowTo(1500));
  EXPECT_EQ((*r)->bytes(), 1500u);
  EXPECT_EQ(quota_->UsageOf(*store_)->reserved_bytes, 1500u);
  EXPECT_TRUE((*r)->GrowTo(2000));  // fits exactly
  Pin pin = quota_->PinKey(*store_, 1);
  EXPECT_FALSE((*r)->GrowTo(2500));  // 1 is pinned: no room
  EXPECT_EQ((*r)->bytes(), 2000u);
  (*r)->Commit(1800);
  auto usage = quota_->UsageOf(*store_);
  EXPECT_EQ(usage->archive_bytes, 2800u);
  EXPECT_EQ(usage->reserved_bytes, 0u);
  EXPECT_TRUE(quota_->IsPinned(*store_, 9));  // until the reservation goes
  r->reset();
  EXPECT_FALSE(quota_->IsPinned(*store_, 9));
}

TEST_F(CacheQuotaTest, RefusedGrowthIsServedBeforeNewReservations) {
  Put(1, 4000, 100);
  auto pin = std::make_unique<Pin>(quota_->PinKey(*store_, 1));
  auto r1 = Reserve(8, 2000, 10000);
  ASSERT_TRUE(r1.ok());
  EXPECT_FALSE((*r1)->GrowTo(7000));  // 4000 pinned + 7000 > 10000
  // 4000 + 2000 reserved + 2000 would fit, but the refused growth (5000) is held back.
  EXPECT_TRUE(absl::IsResourceExhausted(Reserve(9, 2000, 10000).status()));
  pin.reset();
  EXPECT_TRUE((*r1)->GrowTo(7000));  // evicts 1
  EXPECT_FALSE(Has(1));
  EXPECT_TRUE(Reserve(9, 2000, 10000).ok());  // nothing held back any more
}

TEST_F(CacheQuotaTest, NoCapMeansNoAccountingAndNoEviction) {
  Put(1, 1000, 100);
  auto r = Reserve(9, 1u << 30, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->GrowTo(uint64_t{1} << 40));
  EXPECT_TRUE(Has(1));
  EXPECT_TRUE(quota_->IsPinned(*store_, 9));
}

TEST_F(CacheQuotaTest, EvictToUsesTheGivenClassifier) {
  Put(1, 1000, 100);
  Put(2, 1000, 200);
  Put(3, 1000, 300);
  auto report = quota_->EvictTo(*store_, 2000, [](uint64_t key, const index::BlobRecord&) { return key == 1; });
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->archives, 1u);
  EXPECT_EQ(report->used_by_projects, 0u);
  EXPECT_TRUE(Has(1));
  EXPECT_FALSE(Has(2));
  EXPECT_TRUE(report->reached_target);
}

TEST_F(CacheQuotaTest, PicksUpArchivesRemovedBehindItsBack) {
  Put(1, 1000, 100);
  Put(2, 1000, 200);
  ASSERT_TRUE(quota_->UsageOf(*store_).ok());  // loaded: 2000
  ASSERT_TRUE(store_->Remove(2).ok());          // e.g. `clean`
  auto r = Reserve(9, 2000, 3100);  // accounted 4000 > 3100: the pass re-reads the index first
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Has(1));
  EXPECT_EQ(counters_.archives.load(), 0u);
}

// Downloads the way the get pipeline does — reserve an estimate, grow before each write, adopt,
// commit, pin until "unpacked" — from several threads, with a sampler that sums the CACHEDIR's
// files all along. The directory never holds more than the cap.
TEST_F(CacheQuotaTest, ConcurrentDownloadsNeverExceedTheCap) {
  constexpr uint64_t kCap = 200 * 1024;
  constexpr int kThreads = 6, kPerThread = 25;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> peak{0};
  std::thread sampler([&] {
    while (!done) {
      uint64_t now = DirBytes(store_->dir());
      uint64_t prev = peak.load();
      while (now > prev && !peak.compare_exchange_weak(prev, now)) {
      }
      std::this_thread::sleep_for(1ms);
    }
  });
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < kPerThread; ++i) {
        uint64_t key = static_cast<uint64_t>(t) * 1000 + i + 1;
        size_t size = 2000 + rng() % 30000;
        auto room = quota_->Reserve(*store_, key, 8 * 1024, kCap, 10s, nullptr);
        if (!room.ok()) {
          ++failures;
          continue;
        }
        auto temp = store_->TempPathFor(key);
        std::string body = Archive(size, 'x');
        bool ok = true;
        {
          std::ofstream out(*temp, std::ios::binary);
          for (size_t at = 0; at < body.size(); at += 4096) {
            size_t n = std::min<size_t>(4096, body.size() - at);
            while (!(*room)->GrowTo(at + n)) std::this_thread::sleep_for(2ms);  // the transport retries
            out.write(body.data() + at, static_cast<std::streamsize>(n));
            out.flush();
          }
        }
        auto adopted = store_->Adopt(*temp, key, "test");
        if (!adopted.ok()) ok = false;
        if (ok) (*room)->Commit(adopted->size);
        Pin pin = quota_->PinKey(*store_, key);
        room->reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 5));  // "unpacking"
        if (!ok) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  sampler.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(peak.load(), kCap) << "peak " << peak.load();
  EXPECT_GT(peak.load(), kCap / 2);  // the test did fill the cache
  EXPECT_LE(DirBytes(store_->dir()), kCap);
}

}  // namespace
}  // namespace leancache::evict
