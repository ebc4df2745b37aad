// [bounded cache] GETs whose GetRequest::reserve refuses room: asked again every half second
// for up to room_wait, without using up the retry budget, then a clean failure.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/transport_fixture.h"

namespace leancache::transfer::testing {
namespace {

using Clock = std::chrono::steady_clock;
using TransportRoom = FaultServerTest;

TEST_F(TransportRoom, RefusedRoomIsAskedAgainUntilGrantedBeyondTheRetryLimit) {
  std::string body = RandomBytes(64 * 1024, 7);
  Serve("/f/big.ltar", body);
  TransportOptions options = FastOptions();
  options.retry.max_attempts = 1;  // a network failure would not be retried at all
  auto t = MakeTransport(options);
  auto asked = std::make_shared<std::atomic<int>>(0);
  GetRequest req = Get("/f/big.ltar", "big.part");
  req.reserve = [asked, size = body.size()](uint64_t total) {
    EXPECT_EQ(total, size) << "the Content-Length is asked for at once";
    return ++*asked > 3 ? Room::kGranted : Room::kNotYet;  // room appears at the fourth request
  };
  req.room_wait = std::chrono::seconds(30);
  auto start = Clock::now();
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_FALSE(r.refused_room);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(asked->load(), 4);
  EXPECT_EQ(ReadFile(req.temp_path), body);
  EXPECT_GE(std::chrono::duration<double>(Clock::now() - start).count(), 1.4) << "three half-second waits";
}

TEST_F(TransportRoom, RoomNeverGrantedFailsAfterTheRoomWaitAndLeavesNoFile) {
  Serve("/f/never.ltar", RandomBytes(10 * 1024, 8));
  auto t = MakeTransport();
  auto asked = std::make_shared<std::atomic<int>>(0);
  GetRequest req = Get("/f/never.ltar", "never.part");
  req.reserve = [asked](uint64_t) { ++*asked; return Room::kNotYet; };
  req.room_wait = std::chrono::milliseconds(1200);
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_TRUE(r.refused_room);
  EXPECT_NE(r.error.find("no room under the cache size cap"), std::string::npos) << r.error;
  EXPECT_GE(asked->load(), 3);
  EXPECT_LE(asked->load(), 5) << "asked every ~0.5 s for 1.2 s, not in a tight loop";
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportRoom, WithoutARoomWaitARefusalFailsAtOnce) {
  Serve("/f/now.ltar", "payload");
  auto t = MakeTransport();
  GetRequest req = Get("/f/now.ltar", "now.part");
  req.reserve = [](uint64_t) { return Room::kNotYet; };
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_TRUE(r.refused_room);
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(TransportRoom, AnArchiveLargerThanTheCapFailsAtOnceNamingItsSize) {
  Serve("/f/huge.ltar", RandomBytes(20000, 10));
  auto t = MakeTransport();
  GetRequest req = Get("/f/huge.ltar", "huge.part");
  req.reserve = [](uint64_t) { return Room::kNever; };
  req.room_wait = std::chrono::minutes(10);
  auto start = Clock::now();
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_TRUE(r.refused_room);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.error.find("(20000 bytes) is larger than the cache size cap"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5.0);
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportRoom, ACancelledWaitEndsPromptly) {
  Serve("/f/wait.ltar", RandomBytes(4096, 9));
  auto t = MakeTransport();
  GetRequest req = Get("/f/wait.ltar", "wait.part");
  req.reserve = [](uint64_t) { return Room::kNotYet; };
  req.room_wait = std::chrono::minutes(10);
  auto handle = t->StartGet(req);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto start = Clock::now();
  t->Cancel(handle.id);
  Result r = handle.result.get();
  EXPECT_EQ(r.verdict, Verdict::kCancelled);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.0);
  EXPECT_FALSE(FileExists(req.temp_path));
}

}  // namespace
}  // namespace leancache::transfer::testing
