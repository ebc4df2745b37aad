// The transport with a request session: a refused port fails every pending transfer of the
// request at once (one connect attempt, no retries), a live host of the same request is not
// affected, and a spent time budget fails what is still queued.

#include <arpa/inet.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "daemon/transfer/session.h"
#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/transport_fixture.h"

namespace leancache::transfer::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A loopback port nothing listens on (bound once to get a free number, then closed).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

using TransportBreaker = FaultServerTest;

TEST_F(TransportBreaker, RefusedHostFailsEveryTransferOfTheRequestAtOnce) {
  int port = ClosedPort();
  ASSERT_GT(port, 0);
  TransportOptions o = FastOptions();
  o.retry.max_attempts = 5;
  o.retry.initial_backoff = std::chrono::milliseconds(500);  // retries would take seconds
  auto t = MakeTransport(o);
  auto session = std::make_shared<Session>(NetSettings{}, std::chrono::seconds(0));
  Serve("/f/live.ltar", RandomBytes(1000, 3));
  std::vector<PendingTransfer> dead;
  const auto start = Clock::now();
  for (int i = 0; i < 300; ++i) {
    GetRequest r;
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/f/" + std::to_string(i) + ".ltar";
    r.temp_path = TempPath("dead" + std::to_string(i) + ".part");
    r.session = session;
    dead.push_back(t->StartGet(std::move(r)));
  }
  GetRequest live = Get("/f/live.ltar", "live.part");
  live.session = session;
  PendingTransfer ok = t->StartGet(std::move(live));
  int attempts = 0;
  for (auto& p : dead) {
    Result r = p.result.get();
    EXPECT_EQ(r.verdict, Verdict::kFailed);
    EXPECT_TRUE(r.unreachable);
    EXPECT_NE(r.error.find("cannot reach 127.0.0.1:" + std::to_string(port)), std::string::npos) << r.error;
    attempts += r.attempts;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(seconds, 5.0) << "no retries, no per-transfer waits";
  EXPECT_LE(attempts, o.max_concurrent) << "only the transfers already connecting tried at all";
  Result live_result = ok.result.get();
  EXPECT_EQ(live_result.verdict, Verdict::kDelivered) << live_result.error;
  std::vector<HostFailure> news = session->breaker.TakeNew();
  ASSERT_EQ(news.size(), 1u);
  EXPECT_EQ(news[0].cause, ReachCause::kConnectHost);
  EXPECT_EQ(news[0].host, "127.0.0.1:" + std::to_string(port));
}

TEST_F(TransportBreaker, WithoutASessionARefusedPortIsRetriedAsBefore) {
  int port = ClosedPort();
  auto t = MakeTransport();
  GetRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/f/x.ltar";
  r.temp_path = TempPath("nosession.part");
  Result res = t->StartGet(std::move(r)).result.get();
  EXPECT_EQ(res.verdict, Verdict::kFailed);
  EXPECT_FALSE(res.unreachable);
  EXPECT_EQ(res.attempts, FastOptions().retry.max_attempts);
}

TEST_F(TransportBreaker, TheDaemonsOwnProxyVariablesAreNeverUsed) {
  // A dead proxy in the process environment: libcurl would use it unless told otherwise.
  int port = ClosedPort();
  std::string dead = "http://127.0.0.1:" + std::to_string(port);
  ::setenv("http_proxy", dead.c_str(), 1);
  ::setenv("ALL_PROXY", dead.c_str(), 1);
  Serve("/f/env.ltar", RandomBytes(2000, 9));
  auto t = MakeTransport();
  GetRequest plain = Get("/f/env.ltar", "env1.part");
  Result a = t->StartGet(std::move(plain)).result.get();
  GetRequest with_session = Get("/f/env.ltar", "env2.part");
  with_session.session = std::make_shared<Session>(NetSettings{}, std::chrono::seconds(0));
  Result b = t->StartGet(std::move(with_session)).result.get();
  ::unsetenv("http_proxy");
  ::unsetenv("ALL_PROXY");
  EXPECT_EQ(a.verdict, Verdict::kDelivered) << a.error;
  EXPECT_EQ(b.verdict, Verdict::kDelivered) << b.error;
}

TEST_F(TransportBreaker, ASpentBudgetFailsQueuedTransfers) {
  Serve("/f/slow.ltar", RandomBytes(200000, 5));
  ASSERT_TRUE(server_->SetFaults(R"([{"path": "/f/slow.ltar", "fault": "stall", "bytes": 1000}])"));
  TransportOptions o = FastOptions();
  o.max_concurrent = 1;
  o.low_speed_time = std::chrono::seconds(30);
  auto t = MakeTransport(o);
  auto session = std::make_shared<Session>(NetSettings{}, std::chrono::seconds(1));
  const auto start = Clock::now();
  GetRequest stalled = Get("/f/slow.ltar", "slow.part");
  stalled.session = session;
  PendingTransfer first = t->StartGet(std::move(stalled));
  GetRequest queued = Get("/f/slow.ltar", "queued.part");
  queued.session = session;
  PendingTransfer second = t->StartGet(std::move(queued));
  Result a = first.result.get();
  Result b = second.result.get();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(a.verdict, Verdict::kFailed);
  EXPECT_EQ(b.verdict, Verdict::kFailed);
  EXPECT_TRUE(b.unreachable) << b.error;
  EXPECT_LT(seconds, 5.0) << "the budget, not the 30 s stall timeout, ended the request";
  std::vector<HostFailure> news = session->breaker.TakeNew();
  ASSERT_EQ(news.size(), 1u);
  EXPECT_EQ(news[0].cause, ReachCause::kTimeBudget);
}

}  // namespace
}  // namespace leancache::transfer::testing
