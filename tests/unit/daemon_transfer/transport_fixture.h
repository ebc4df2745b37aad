#pragma once
// Shared fixture for the transport tests that run against the loopback fault server.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/test_peers.h"

namespace leancache::transfer::testing {

class FaultServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::string error;
    server_ = FaultServer::Start(dir_->Sub("root"), dir_->Sub("fs"), &error).release();
    if (server_ == nullptr) start_error_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
    dir_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << (start_error_ != nullptr ? *start_error_ : "");
    ASSERT_TRUE(server_->Reset());
  }

  // Short timeouts and backoffs so the failure tests finish quickly.
  static TransportOptions FastOptions() {
    TransportOptions o;
    o.max_concurrent = 8;
    o.max_per_host = 8;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.low_speed_limit = 100;
    o.low_speed_time = std::chrono::seconds(2);
    o.retry.max_attempts = 3;
    o.retry.initial_backoff = std::chrono::milliseconds(20);
    o.retry.max_backoff = std::chrono::milliseconds(100);
    o.retry.max_retry_after = std::chrono::milliseconds(3000);
    o.allow_http_redirects = true;
    return o;
  }
  static std::unique_ptr<Transport> MakeTransport(TransportOptions o = FastOptions()) {
    auto t = Transport::Create(std::move(o));
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? std::move(*t) : nullptr;
  }
  // Puts `bytes` at `path` (e.g. "/f/a.ltar") on the server.
  static void Serve(const std::string& path, const std::string& bytes) {
    ASSERT_TRUE(WriteFile(dir_->Sub("root") + path, bytes));
  }
  static std::string Url(const std::string& path) { return server_->Url(path); }
  // A temp path inside the test's "CACHEDIR".
  static std::string TempPath(const std::string& name) {
    std::string p = dir_->Sub("cache/" + name);
    WriteFile(dir_->Sub("cache/.keep"), "");
    return p;
  }
  static GetRequest Get(const std::string& path, const std::string& temp) {
    GetRequest r;
    r.url = Url(path);
    r.temp_path = TempPath(temp);
    return r;
  }
  static int Hits(const std::string& path) {
    nlohmann::json s = server_->Stats();
    if (!s.is_object() || !s["hits"].contains(path)) return 0;
    return s["hits"][path].get<int>();
  }

  static inline TempDir* dir_ = nullptr;
  static inline FaultServer* server_ = nullptr;
  static inline std::string* start_error_ = nullptr;
};

}  // namespace leancache::transfer::testing
