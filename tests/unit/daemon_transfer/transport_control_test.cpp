// Cancellation, shutdown and single-flight against the loopback fault server.

#include <filesystem>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/transport_fixture.h"

namespace leancache::transfer::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using TransportControl = FaultServerTest;

TEST_F(TransportControl, CancelStopsARunningTransferAndRemovesItsFile) {
  Serve("/f/hang.ltar", RandomBytes(50000, 11));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/hang.ltar", "fault": "stall", "bytes": 1000}])"));
  TransportOptions o = FastOptions();
  o.low_speed_time = std::chrono::seconds(30);  // only Cancel can end it quickly
  auto t = MakeTransport(o);
  GetRequest req = Get("/f/hang.ltar", "hang.part");
  PendingTransfer p = t->StartGet(req);
  // Wait until the server is actually sending.
  for (int i = 0; i < 200 && Hits("/f/hang.ltar") == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(FileExists(req.temp_path)) << "body is being streamed into the temp file";
  auto start = Clock::now();
  t->Cancel(p.id);
  ASSERT_EQ(p.result.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  Result r = p.result.get();
  EXPECT_EQ(r.verdict, Verdict::kCancelled);
  EXPECT_NE(r.error.find("cancelled"), std::string::npos) << r.error;
  EXPECT_FALSE(FileExists(req.temp_path));
  EXPECT_EQ(t->Stats().cancelled, 1u);
}

TEST_F(TransportControl, CancelAllReachesRunningQueuedAndBackingOffTransfers) {
  Serve("/f/hang2.ltar", RandomBytes(5000, 12));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/hang2.ltar", "fault": "stall"},
                                     {"path": "/f/err.ltar", "fault": "status", "status": 503}])"));
  Serve("/f/err.ltar", "x");
  TransportOptions o = FastOptions();
  o.max_concurrent = 2;
  o.low_speed_time = std::chrono::seconds(30);
  o.retry.initial_backoff = milliseconds(5000);  // the 503 waits in backoff
  o.retry.max_backoff = milliseconds(5000);
  auto t = MakeTransport(o);
  std::vector<PendingTransfer> pending;
  pending.push_back(t->StartGet(Get("/f/err.ltar", "err.part")));
  for (int i = 0; i < 4; ++i) {
    pending.push_back(t->StartGet(Get("/f/hang2.ltar", "hang2-" + std::to_string(i) + ".part")));
  }
  std::this_thread::sleep_for(milliseconds(300));
  TransportStats before = t->Stats();
  EXPECT_LE(before.in_flight, 2);
  EXPECT_GE(before.queued, 2);
  t->CancelAll();
  for (auto& p : pending) {
    ASSERT_EQ(p.result.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    EXPECT_EQ(p.result.get().verdict, Verdict::kCancelled);
  }
  // The transport keeps working after CancelAll.
  Serve("/f/after.ltar", "after");
  EXPECT_EQ(t->StartGet(Get("/f/after.ltar", "after.part")).result.get().verdict,
            Verdict::kDelivered);
}

TEST_F(TransportControl, BackingOffTransferHoldsNoFileAndNoSlot) {
  Serve("/f/later.ltar", "later");
  Serve("/f/now.ltar", "now");
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/f/later.ltar", "fault": "status", "status": 502, "times": 1}])"));
  TransportOptions o = FastOptions();
  o.max_concurrent = 1;
  o.retry.initial_backoff = milliseconds(800);
  o.retry.max_backoff = milliseconds(800);
  auto t = MakeTransport(o);
  GetRequest later = Get("/f/later.ltar", "later.part");
  PendingTransfer p = t->StartGet(later);
  for (int i = 0; i < 200 && Hits("/f/later.ltar") == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(FileExists(later.temp_path)) << "no partial file while waiting to retry";
  // The single slot is free for other work during the backoff.
  GetRequest now = Get("/f/now.ltar", "now.part");
  Result rn = t->StartGet(now).result.get();
  EXPECT_EQ(rn.verdict, Verdict::kDelivered);
  EXPECT_EQ(p.result.wait_for(milliseconds(0)), std::future_status::timeout);
  Result rl = p.result.get();
  EXPECT_EQ(rl.verdict, Verdict::kDelivered) << rl.error;
  EXPECT_EQ(rl.attempts, 2);
  EXPECT_EQ(ReadFile(later.temp_path), "later");
}

TEST_F(TransportControl, ShutdownCancelsEverythingAndLaterSubmitsCompleteAtOnce) {
  Serve("/f/hang3.ltar", RandomBytes(5000, 13));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/hang3.ltar", "fault": "stall"}])"));
  TransportOptions o = FastOptions();
  o.low_speed_time = std::chrono::seconds(30);
  auto t = MakeTransport(o);
  std::atomic<int> cancelled{0};
  std::vector<std::string> temps;
  for (int i = 0; i < 3; ++i) {
    GetRequest req = Get("/f/hang3.ltar", "hang3-" + std::to_string(i) + ".part");
    temps.push_back(req.temp_path);
    t->SubmitGet(req, [&](const Result& r) {
      if (r.verdict == Verdict::kCancelled) ++cancelled;
    });
  }
  std::this_thread::sleep_for(milliseconds(200));
  auto start = Clock::now();
  t->Shutdown();
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  EXPECT_EQ(cancelled.load(), 3);
  for (const auto& p : temps) EXPECT_FALSE(FileExists(p)) << p;

  bool called = false;
  t->SubmitGet(Get("/f/hang3.ltar", "late.part"), [&](const Result& r) {
    called = true;
    EXPECT_EQ(r.verdict, Verdict::kCancelled);
  });
  EXPECT_TRUE(called) << "a submit after shutdown completes on the calling thread";
}

TEST_F(TransportControl, SingleFlightFetchesAKeyOnceForManyCallers) {
  std::string body = RandomBytes(20000, 14);
  Serve("/f/shared.ltar", body);
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/shared.ltar", "fault": "delay", "ms": 300}])"));
  auto t = MakeTransport();
  FetchGroup group(*t);
  std::atomic<int> finishers{0};
  std::atomic<int> starters{0};
  std::atomic<int> callbacks{0};
  const int kCallers = 16;
  std::vector<std::shared_future<Result>> futures(kCallers);
  std::vector<std::thread> threads;
  std::string temp = TempPath("shared.part");
  std::string final_path = dir_->Sub("cache/shared.ltar");
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      GetRequest req;
      req.url = Url("/f/shared.ltar");
      req.temp_path = temp;
      bool started = false;
      futures[i] = group.Fetch(
          "shared",
          req,
          [&](Result r) {
            ++finishers;
            if (r.ok() && std::rename(temp.c_str(), final_path.c_str()) != 0) {
              r.verdict = Verdict::kFailed;
            }
            return r;
          },
          [&](const Result&) { ++callbacks; }, &started);
      if (started) ++starters;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(group.InFlight(), 1u);
  for (auto& f : futures) {
    Result r = f.get();
    EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  }
  EXPECT_EQ(starters.load(), 1);
  EXPECT_EQ(finishers.load(), 1);
  EXPECT_EQ(callbacks.load(), kCallers);
  EXPECT_EQ(Hits("/f/shared.ltar"), 1) << "one server hit for all callers";
  EXPECT_EQ(ReadFile(final_path), body);
  EXPECT_EQ(group.InFlight(), 0u);

  // Once landed, the next request for the key fetches again.
  bool started = false;
  GetRequest again;
  again.url = Url("/f/shared.ltar");
  again.temp_path = TempPath("shared2.part");
  EXPECT_EQ(group.Fetch("shared", again, nullptr, nullptr, &started).get().verdict,
            Verdict::kDelivered);
  EXPECT_TRUE(started);
  EXPECT_EQ(Hits("/f/shared.ltar"), 2);
}

TEST_F(TransportControl, SingleFlightDoesNotRefetchWhatLandedMeanwhile) {
  std::string body = RandomBytes(8000, 16);
  Serve("/f/landed.ltar", body);
  auto t = MakeTransport();
  FetchGroup group(*t);
  std::string final_path = dir_->Sub("cache/landed.ltar");
  auto present = [&final_path] { return std::filesystem::exists(final_path); };
  GetRequest req;
  req.url = Url("/f/landed.ltar");
  req.temp_path = TempPath("landed.part");
  bool started = false;
  auto first = group.Fetch(
      "landed", req,
      [&](Result r) {
        if (r.ok()) std::rename(req.temp_path.c_str(), final_path.c_str());
        return r;
      },
      nullptr, &started, present);
  EXPECT_TRUE(started);
  ASSERT_EQ(first.get().verdict, Verdict::kDelivered);
  // A caller that checked before the first fetch landed asks now: nothing is transferred.
  GetRequest late = req;
  late.temp_path = TempPath("late.part");
  bool late_started = true;
  int callbacks = 0;
  auto second = group.Fetch("landed", late, nullptr, [&](const Result&) { ++callbacks; },
                            &late_started, present);
  EXPECT_FALSE(late_started);
  EXPECT_EQ(second.get().verdict, Verdict::kDelivered);
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(Hits("/f/landed.ltar"), 1);
  // Without the predicate (get!), the key is fetched again.
  EXPECT_EQ(group.Fetch("landed", late, nullptr, nullptr, &late_started).get().verdict, Verdict::kDelivered);
  EXPECT_TRUE(late_started);
  EXPECT_EQ(Hits("/f/landed.ltar"), 2);
}

TEST_F(TransportControl, SingleFlightCancelReachesEveryWaiter) {
  Serve("/f/hang4.ltar", RandomBytes(5000, 15));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/hang4.ltar", "fault": "stall"}])"));
  TransportOptions o = FastOptions();
  o.low_speed_time = std::chrono::seconds(30);
  auto t = MakeTransport(o);
  FetchGroup group(*t);
  auto f1 = group.Fetch("k", Get("/f/hang4.ltar", "hang4.part"));
  auto f2 = group.Fetch("k", Get("/f/hang4.ltar", "hang4.part"));
  std::this_thread::sleep_for(milliseconds(200));
  group.Cancel("k");
  ASSERT_EQ(f1.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(f1.get().verdict, Verdict::kCancelled);
  EXPECT_EQ(f2.get().verdict, Verdict::kCancelled);
  EXPECT_EQ(Hits("/f/hang4.ltar"), 1);
}

TEST_F(TransportControl, CallbacksRunOnTheTransportThreadAndMaySubmitMore) {
  Serve("/f/chain1.ltar", "one");
  Serve("/f/chain2.ltar", "two");
  auto t = MakeTransport();
  std::promise<Result> second;
  std::thread::id first_thread;
  t->SubmitGet(Get("/f/chain1.ltar", "chain1.part"), [&](const Result& r) {
    first_thread = std::this_thread::get_id();
    EXPECT_EQ(r.verdict, Verdict::kDelivered);
    t->SubmitGet(Get("/f/chain2.ltar", "chain2.part"),
                 [&](const Result& r2) { second.set_value(r2); });
  });
  auto f = second.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(f.get().verdict, Verdict::kDelivered);
  EXPECT_NE(first_thread, std::this_thread::get_id());
}

}  // namespace
}  // namespace leancache::transfer::testing
