// GET verdicts, retries and timeouts against the scripted loopback fault server.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "daemon/transfer/transport.h"
#include "tests/support/loopback.h"
#include "tests/unit/daemon_transfer/transport_fixture.h"

namespace leancache::transfer::testing {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

using TransportGet = FaultServerTest;

TEST_F(TransportGet, Status200IsDeliveredByteExact) {
  std::string body = RandomBytes(300 * 1024, 1);
  Serve("/f/ok.ltar", body);
  auto t = MakeTransport();
  GetRequest req = Get("/f/ok.ltar", "ok.ltar.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.curl_code, 0);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.bytes, body.size());
  EXPECT_EQ(r.content_length, static_cast<int64_t>(body.size()));
  EXPECT_EQ(r.http_version, "1.1");
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(ReadFile(req.temp_path), body);
  EXPECT_EQ(Hits("/f/ok.ltar"), 1);
}

TEST_F(TransportGet, ServerErrorIsRetriedUntilItSucceeds) {
  std::string body = RandomBytes(5000, 2);
  Serve("/f/flaky.ltar", body);
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/f/flaky.ltar", "fault": "status", "status": 500, "times": 2}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/f/flaky.ltar", "flaky.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(Hits("/f/flaky.ltar"), 3);
  EXPECT_EQ(ReadFile(req.temp_path), body) << "error bodies of the 500s must not leak in";
  TransportStats s = t->Stats();
  EXPECT_EQ(s.attempts, 3u);
  EXPECT_EQ(s.retries, 2u);
}

TEST_F(TransportGet, PostBodyIsSentAndItsReplyHandledLikeAGet) {
  // A lookup POST (Reservoir's batch query): the body reaches the server with its content type,
  // a 500 is retried with the same body, and the reply lands in temp_path like a GET's.
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/api/artifacts", "fault": "status", "status": 500, "times": 1}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/api/artifacts", "lookup.part");
  req.post_body = R"(["00000000000000aa","00000000000000bb"])";
  req.headers.push_back("Content-Type: application/json");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(ReadFile(req.temp_path), *req.post_body) << "the server echoes the body it received";
  nlohmann::json stats = server_->Stats();
  EXPECT_EQ(stats["last_headers"]["/api/artifacts"]["content-type"], "application/json");
  EXPECT_EQ(Hits("/api/artifacts"), 2);
}

TEST_F(TransportGet, TooManyRequestsIsRetriedAfterTheServersDelay) {
  Serve("/f/busy.ltar", "payload");
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/f/busy.ltar", "fault": "status", "status": 429, "retry_after": 1, "times": 1}])"));
  auto t = MakeTransport();
  auto start = Clock::now();
  Result r = t->StartGet(Get("/f/busy.ltar", "busy.part")).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(SecondsSince(start), 0.95) << "Retry-After: 1 must be honoured";
}

TEST_F(TransportGet, NotFoundIsAMissWithoutRetryAndLeavesNoFile) {
  auto t = MakeTransport();
  GetRequest req = Get("/f/absent.ltar", "absent.ltar.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kMiss);
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(FileExists(req.temp_path)) << "spec §11 pitfall 1: no .part left behind";
  EXPECT_EQ(Hits("/f/absent.ltar"), 1);
}

TEST_F(TransportGet, ForbiddenIsAFailureUnlessTheRequestSaysItIsAMiss) {
  Serve("/f/locked.ltar", "x");
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/locked.ltar", "fault": "status", "status": 403}])"));
  auto t = MakeTransport();
  GetRequest plain = Get("/f/locked.ltar", "locked1.part");
  Result r1 = t->StartGet(plain).result.get();
  EXPECT_EQ(r1.verdict, Verdict::kFailed);
  EXPECT_EQ(r1.attempts, 1) << "4xx is never retried";
  EXPECT_NE(r1.error.find("Transfer failed (HTTP 403 / curl error: none)"), std::string::npos)
      << r1.error;
  EXPECT_FALSE(FileExists(plain.temp_path));

  GetRequest legacy = Get("/f/locked.ltar", "locked2.part");
  legacy.forbidden_is_miss = true;
  Result r2 = t->StartGet(legacy).result.get();
  EXPECT_EQ(r2.verdict, Verdict::kMiss);
  EXPECT_FALSE(FileExists(legacy.temp_path));
}

TEST_F(TransportGet, TruncatedBodyIsNeverDelivered) {
  Serve("/f/short.ltar", RandomBytes(10000, 3));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/short.ltar", "fault": "truncate", "bytes": 1000}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/f/short.ltar", "short.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.attempts, 3) << "a short body is transient: retried up to max_attempts";
  EXPECT_EQ(r.curl_code, 18);  // CURLE_PARTIAL_FILE
  EXPECT_NE(r.error.find("Transfer failed (HTTP 200 / curl error: 18"), std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("url=" + Url("/f/short.ltar")), std::string::npos) << r.error;
  EXPECT_FALSE(FileExists(req.temp_path)) << "spec §11 pitfall 2: truncated file must go";
}

TEST_F(TransportGet, TruncatedOnceThenCompleteIsDelivered) {
  std::string body = RandomBytes(10000, 4);
  Serve("/f/short1.ltar", body);
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/f/short1.ltar", "fault": "truncate", "bytes": 5000, "times": 1}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/f/short1.ltar", "short1.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(ReadFile(req.temp_path), body) << "the retry must rewrite the file from scratch";
}

TEST_F(TransportGet, ConnectionResetIsRetriedThenFailsWithClearError) {
  Serve("/f/reset.ltar", RandomBytes(50000, 5));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/reset.ltar", "fault": "reset", "bytes": 2000}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/f/reset.ltar", "reset.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(Hits("/f/reset.ltar"), 3);
  EXPECT_EQ(r.curl_code, 56);  // CURLE_RECV_ERROR
  EXPECT_NE(r.error.find("curl error: 56"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("reset"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("attempts=3"), std::string::npos) << r.error;
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportGet, StalledServerTimesOutWithinTheLowSpeedWindow) {
  Serve("/f/stall.ltar", RandomBytes(20000, 6));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/stall.ltar", "fault": "stall", "bytes": 100}])"));
  TransportOptions o = FastOptions();
  o.low_speed_limit = 1000;
  o.low_speed_time = std::chrono::seconds(1);
  o.retry.max_attempts = 2;
  auto t = MakeTransport(o);
  GetRequest req = Get("/f/stall.ltar", "stall.part");
  auto start = Clock::now();
  Result r = t->StartGet(req).result.get();
  double took = SecondsSince(start);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.curl_code, 28);  // CURLE_OPERATION_TIMEDOUT
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.error.find("curl error: 28"), std::string::npos) << r.error;
  EXPECT_GE(took, 1.9);
  EXPECT_LT(took, 5.0) << "two attempts of a 1 s low-speed window";
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportGet, SlowTrickleAboveTheLimitSucceedsAndReportsProgress) {
  std::string body = RandomBytes(12000, 7);
  Serve("/f/slow.ltar", body);
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/slow.ltar", "fault": "trickle", "rate": 12000}])"));
  TransportOptions o = FastOptions();
  o.low_speed_limit = 2000;
  o.low_speed_time = std::chrono::seconds(1);
  o.progress_interval = std::chrono::milliseconds(100);
  auto t = MakeTransport(o);
  std::mutex mu;
  std::vector<uint64_t> seen;
  GetRequest req = Get("/f/slow.ltar", "slow.part");
  req.progress = [&](uint64_t now, uint64_t total) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(now);
  };
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(ReadFile(req.temp_path), body);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GE(seen.size(), 3u) << "about 1 s of transfer at one report per 100 ms";
  EXPECT_LE(seen.size(), 15u) << "progress must be rate-limited";
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);
}

TEST_F(TransportGet, CorruptBodyIsStoredAsSentForTheCallerToVerify) {
  std::string body = RandomBytes(5000, 8);
  Serve("/f/bad.ltar", body);
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/bad.ltar", "fault": "corrupt"}])"));
  auto t = MakeTransport();
  GetRequest req = Get("/f/bad.ltar", "bad.part");
  Result r = t->StartGet(req).result.get();
  // Length and status are fine, so the transport delivers; content checks belong to the store.
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  std::string got = ReadFile(req.temp_path);
  EXPECT_EQ(got.size(), body.size());
  EXPECT_NE(got, body);
}

TEST_F(TransportGet, RedirectsAreFollowedOnlyToAllowedProtocols) {
  std::string body = RandomBytes(3000, 9);
  Serve("/f/moved-target.ltar", body);
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/f/moved.ltar", "fault": "redirect", "location": "/f/moved-target.ltar"}])"));
  auto t = MakeTransport();  // FastOptions allows http redirects (loopback has no TLS)
  GetRequest req = Get("/f/moved.ltar", "moved.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(ReadFile(req.temp_path), body) << "only the final body is stored";

  TransportOptions strict = FastOptions();
  strict.allow_http_redirects = false;  // production: like curl --proto-redir =https
  auto t2 = MakeTransport(strict);
  GetRequest req2 = Get("/f/moved.ltar", "moved2.part");
  Result r2 = t2->StartGet(req2).result.get();
  EXPECT_EQ(r2.verdict, Verdict::kFailed);
  EXPECT_EQ(r2.curl_code, 1) << r2.error;  // CURLE_UNSUPPORTED_PROTOCOL for the http hop
  EXPECT_EQ(r2.attempts, 1);
  EXPECT_FALSE(FileExists(req2.temp_path));
}

TEST_F(TransportGet, ConnectionRefusedIsRetriedThenFails) {
  int port = ::leancache::testing::FreeLoopbackPort();  // nobody listens there
  auto t = MakeTransport();
  GetRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/f/x.ltar";
  req.temp_path = TempPath("refused.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.curl_code, 7);  // CURLE_COULDNT_CONNECT
  EXPECT_EQ(r.attempts, 3);
  EXPECT_NE(r.error.find("Transfer failed (no HTTP status / curl error: 7"), std::string::npos)
      << r.error;
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportGet, UncreatableTempFileFailsNamingThePath) {
  Serve("/f/ok2.ltar", "x");
  auto t = MakeTransport();
  GetRequest req = Get("/f/ok2.ltar", "x");
  req.temp_path = dir_->Sub("no/such/dir/file.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_NE(r.error.find(req.temp_path), std::string::npos) << r.error;
  EXPECT_EQ(Hits("/f/ok2.ltar"), 0);
}

TEST_F(TransportGet, SecretsInTheUrlAndTokenNeverReachTheError) {
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/sas.ltar", "fault": "status", "status": 500}])"));
  Serve("/f/sas.ltar", "x");
  auto t = MakeTransport();
  GetRequest req = Get("/f/sas.ltar", "sas.part");
  req.url += "?sv=2021-08-06&sig=SECRETSIGNATURE123";
  req.auth.bearer_token = "TOPSECRETBEARER";
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.error.find("SECRETSIGNATURE123"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("TOPSECRETBEARER"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("url=" + Url("/f/sas.ltar") + "?<redacted>"), std::string::npos)
      << r.error;
  // The token did reach the server, as a bearer header.
  nlohmann::json s = server_->Stats();
  EXPECT_EQ(s["last_headers"]["/f/sas.ltar"].value("authorization", ""),
            "Bearer TOPSECRETBEARER");
}

TEST_F(TransportGet, BoundedConcurrencyIsNeverExceeded) {
  const int kFiles = 24;
  for (int i = 0; i < kFiles; ++i) Serve("/p/" + std::to_string(i), RandomBytes(2000, 100 + i));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/p/*", "fault": "delay", "ms": 150}])"));
  TransportOptions o = FastOptions();
  o.max_concurrent = 4;
  o.max_per_host = 8;
  auto t = MakeTransport(o);
  std::vector<PendingTransfer> pending;
  for (int i = 0; i < kFiles; ++i) {
    pending.push_back(
        t->StartGet(Get("/p/" + std::to_string(i), "p" + std::to_string(i) + ".part")));
  }
  for (auto& p : pending) EXPECT_EQ(p.result.get().verdict, Verdict::kDelivered);
  nlohmann::json s = server_->Stats();
  EXPECT_LE(s["max_active_requests"].get<int>(), 4);
  EXPECT_GE(s["max_active_requests"].get<int>(), 2) << "transfers should overlap";
  TransportStats ts = t->Stats();
  EXPECT_LE(ts.max_in_flight, 4);
  EXPECT_EQ(ts.delivered, static_cast<uint64_t>(kFiles));
  EXPECT_EQ(ts.in_flight, 0);
}

TEST_F(TransportGet, PerHostConnectionLimitHoldsAndConnectionsAreReused) {
  const int kFiles = 60;
  for (int i = 0; i < kFiles; ++i) Serve("/r/" + std::to_string(i), RandomBytes(4000, 200 + i));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/r/*", "fault": "delay", "ms": 20}])"));
  TransportOptions o = FastOptions();
  o.max_concurrent = 8;
  o.max_per_host = 2;
  auto t = MakeTransport(o);
  std::vector<PendingTransfer> pending;
  for (int i = 0; i < kFiles; ++i) {
    pending.push_back(
        t->StartGet(Get("/r/" + std::to_string(i), "r" + std::to_string(i) + ".part")));
  }
  for (auto& p : pending) EXPECT_EQ(p.result.get().verdict, Verdict::kDelivered);
  nlohmann::json s = server_->Stats();
  EXPECT_EQ(s["requests"].get<int>(), kFiles);
  EXPECT_LE(s["max_active_connections"].get<int>(), 2);
  EXPECT_LE(s["connections"].get<int>(), 4) << "keep-alive: far fewer connections than requests";
  EXPECT_LE(t->Stats().connects, 4u);
}

}  // namespace
}  // namespace leancache::transfer::testing
