// The transport against a real web server: a private nginx with WebDAV PUT on 127.0.0.1.

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <vector>

#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/test_peers.h"

namespace leancache::transfer::testing {
namespace {

class TransportNginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!NginxServer::Available()) return;
    dir_ = new TempDir();
    std::string error;
    open_ = NginxServer::Start(dir_->Sub("root"), dir_->Sub("nginx"), "", &error).release();
    if (open_ == nullptr) error_ = new std::string(error);
    gated_ = NginxServer::Start(dir_->Sub("root"), dir_->Sub("nginx-gated"), "WRITETOKEN42",
                                &error)
                 .release();
    if (gated_ == nullptr && error_ == nullptr) error_ = new std::string(error);
    tls_ = NginxServer::Start(dir_->Sub("root"), dir_->Sub("nginx-tls"), "", &error, true)
               .release();
    if (tls_ == nullptr && error_ == nullptr) error_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    delete open_;
    delete gated_;
    delete tls_;
    delete dir_;
    delete error_;
    open_ = gated_ = tls_ = nullptr;
    dir_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override {
    if (!NginxServer::Available()) GTEST_SKIP() << "nginx is not installed";
    ASSERT_NE(open_, nullptr) << (error_ != nullptr ? *error_ : "");
    ASSERT_NE(gated_, nullptr) << (error_ != nullptr ? *error_ : "");
    ASSERT_NE(tls_, nullptr) << (error_ != nullptr ? *error_ : "");
    WriteFile(dir_->Sub("cache/.keep"), "");
  }
  static std::unique_ptr<Transport> MakeTransport(int max_concurrent, int per_host,
                                                  const std::string& ca_file = "") {
    TransportOptions o;
    o.ca_file = ca_file;
    o.max_concurrent = max_concurrent;
    o.max_per_host = per_host;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.low_speed_time = std::chrono::seconds(2);
    o.retry.max_attempts = 2;
    o.retry.initial_backoff = std::chrono::milliseconds(20);
    auto t = Transport::Create(o);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? std::move(*t) : nullptr;
  }

  static inline TempDir* dir_ = nullptr;
  static inline NginxServer* open_ = nullptr;
  static inline NginxServer* gated_ = nullptr;
  static inline NginxServer* tls_ = nullptr;
  static inline std::string* error_ = nullptr;
};

TEST_F(TransportNginx, TwoHundredParallelDownloadsAreBoundedAndReuseConnections) {
  const int kFiles = 200;
  std::vector<std::string> bodies;
  for (int i = 0; i < kFiles; ++i) {
    bodies.push_back(RandomBytes(64 * 1024 + i, 1000 + i));
    ASSERT_TRUE(WriteFile(dir_->Sub("root/mathlib4-master/f/" + std::to_string(i) + ".ltar"),
                          bodies.back()));
  }
  auto t = MakeTransport(/*max_concurrent=*/8, /*per_host=*/4);
  auto start = std::chrono::steady_clock::now();
  std::vector<PendingTransfer> pending;
  std::vector<std::string> temps;
  for (int i = 0; i < kFiles; ++i) {
    GetRequest req;
    req.url = open_->Url("/mathlib4-master/f/" + std::to_string(i) + ".ltar");
    req.temp_path = dir_->Sub("cache/" + std::to_string(i) + ".ltar.part");
    temps.push_back(req.temp_path);
    pending.push_back(t->StartGet(req));
  }
  int delivered = 0;
  for (auto& p : pending) {
    Result r = p.result.get();
    if (r.verdict == Verdict::kDelivered) ++delivered;
    EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(delivered, kFiles);
  for (int i = 0; i < kFiles; ++i) ASSERT_EQ(ReadFile(temps[i]), bodies[i]) << i;
  TransportStats s = t->Stats();
  EXPECT_LE(s.max_in_flight, 8);
  EXPECT_GE(s.max_in_flight, 2);
  EXPECT_LE(s.connects, 8u) << "200 requests should share a handful of keep-alive connections";
  EXPECT_EQ(s.attempts, static_cast<uint64_t>(kFiles));
  std::cout << "[measure] nginx: " << kFiles << " x ~64 KiB GETs in " << seconds * 1000
            << " ms, connections=" << s.connects << ", max_in_flight=" << s.max_in_flight
            << std::endl;
  RecordProperty("seconds", std::to_string(seconds));
  RecordProperty("connections", std::to_string(s.connects));
}

TEST_F(TransportNginx, HttpsUsesHttp2AndMultiplexesOnOneConnection) {
  const int kFiles = 100;
  std::vector<std::string> bodies;
  for (int i = 0; i < kFiles; ++i) {
    bodies.push_back(RandomBytes(32 * 1024 + i, 5000 + i));
    ASSERT_TRUE(WriteFile(dir_->Sub("root/h2/" + std::to_string(i) + ".ltar"), bodies.back()));
  }
  auto t = MakeTransport(/*max_concurrent=*/16, /*per_host=*/1, tls_->ca_file());
  auto start = std::chrono::steady_clock::now();
  std::vector<PendingTransfer> pending;
  std::vector<std::string> temps;
  for (int i = 0; i < kFiles; ++i) {
    GetRequest req;
    req.url = tls_->Url("/h2/" + std::to_string(i) + ".ltar");
    req.temp_path = dir_->Sub("cache/h2-" + std::to_string(i) + ".part");
    temps.push_back(req.temp_path);
    pending.push_back(t->StartGet(req));
  }
  for (auto& p : pending) {
    Result r = p.result.get();
    EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
    EXPECT_EQ(r.http_version, "2");
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int i = 0; i < kFiles; ++i) ASSERT_EQ(ReadFile(temps[i]), bodies[i]) << i;
  TransportStats s = t->Stats();
  EXPECT_EQ(s.connects, 1u) << "one TLS connection, many HTTP/2 streams";
  EXPECT_GT(s.max_in_flight, 1) << "streams were in flight together";
  std::cout << "[measure] nginx https/h2: " << kFiles << " x ~32 KiB GETs in " << seconds * 1000
            << " ms, connections=" << s.connects << ", max_in_flight=" << s.max_in_flight
            << std::endl;
}

TEST_F(TransportNginx, UntrustedCertificateFailsWithoutRetry) {
  ASSERT_TRUE(WriteFile(dir_->Sub("root/h2/untrusted.ltar"), "x"));
  auto t = MakeTransport(4, 4);  // system CA store: the self-signed cert is not trusted
  GetRequest req;
  req.url = tls_->Url("/h2/untrusted.ltar");
  req.temp_path = dir_->Sub("cache/untrusted.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.curl_code, 60);  // CURLE_PEER_FAILED_VERIFICATION
  EXPECT_EQ(r.attempts, 1);
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportNginx, MissingFileIsAMiss) {
  auto t = MakeTransport(4, 4);
  GetRequest req;
  req.url = open_->Url("/mathlib4-master/f/absent.ltar");
  req.temp_path = dir_->Sub("cache/absent.part");
  Result r = t->StartGet(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kMiss);
  EXPECT_FALSE(FileExists(req.temp_path));
}

TEST_F(TransportNginx, WebDavPutStoresTheFileByteExact) {
  std::string body = RandomBytes(3 * 1024 * 1024 + 7, 77);
  std::string src = dir_->Sub("cache/upload.ltar");
  ASSERT_TRUE(WriteFile(src, body));
  auto t = MakeTransport(4, 4);
  PutRequest req;
  req.url = open_->Url("/put/f/deep/upload.ltar");
  req.source_path = src;
  req.if_none_match = true;
  req.conflict_is_already_present = true;
  Result r = t->StartPut(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.http_status, 201);
  EXPECT_EQ(ReadFile(dir_->Sub("root/put/f/deep/upload.ltar")), body);

  // If-None-Match: * on the existing file -> 412 -> already present; the file is unchanged.
  ASSERT_TRUE(WriteFile(src, "different"));
  Result again = t->StartPut(req).result.get();
  EXPECT_EQ(again.verdict, Verdict::kAlreadyPresent) << again.error;
  EXPECT_EQ(again.http_status, 412);
  EXPECT_EQ(ReadFile(dir_->Sub("root/put/f/deep/upload.ltar")), body);

  // Overwrite allowed without If-None-Match (nginx answers 204).
  req.if_none_match = false;
  Result over = t->StartPut(req).result.get();
  EXPECT_EQ(over.verdict, Verdict::kDelivered) << over.error;
  EXPECT_EQ(over.http_status, 204);
  EXPECT_EQ(ReadFile(dir_->Sub("root/put/f/deep/upload.ltar")), "different");
}

TEST_F(TransportNginx, BearerTokenGatesWritesAndStaysOutOfErrors) {
  std::string src = dir_->Sub("cache/gated.ltar");
  ASSERT_TRUE(WriteFile(src, "gated body"));
  auto t = MakeTransport(4, 4);
  PutRequest req;
  req.url = gated_->Url("/gated/a.ltar");
  req.source_path = src;
  req.auth.bearer_token = "WRONGTOKEN99";
  Result denied = t->StartPut(req).result.get();
  EXPECT_EQ(denied.verdict, Verdict::kFailed);
  EXPECT_EQ(denied.http_status, 401);
  EXPECT_EQ(denied.attempts, 1);
  EXPECT_EQ(denied.error.find("WRONGTOKEN99"), std::string::npos) << denied.error;

  req.auth.bearer_token = "WRITETOKEN42";
  Result ok = t->StartPut(req).result.get();
  EXPECT_EQ(ok.verdict, Verdict::kDelivered) << ok.error;
  EXPECT_EQ(ReadFile(dir_->Sub("root/gated/a.ltar")), "gated body");
}

}  // namespace
}  // namespace leancache::transfer::testing
