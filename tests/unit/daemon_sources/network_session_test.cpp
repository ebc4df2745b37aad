// The transfer session of a get request (environment over config), the one-line reasons for an
// unreachable source, and offline mode.

#include "daemon/sources/network_session.h"

#include "gtest/gtest.h"

namespace leancache::sources {
namespace {

using transfer::HostFailure;
using transfer::ReachCause;

TEST(MakeTransferSession, ConfigGivesDefaultsTheRequestOverrides) {
  Config config;
  config.proxy = "http://cfg-proxy:3128";
  config.no_proxy = "internal";
  config.ca_bundle = "/etc/cfg-ca.pem";
  config.request_timeout_seconds = 600;
  auto s = MakeTransferSession(config, {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->net.all_proxy, "http://cfg-proxy:3128");
  EXPECT_EQ((*s)->net.no_proxy, "internal");
  EXPECT_EQ((*s)->net.ca_file, "/etc/cfg-ca.pem");
  EXPECT_EQ((*s)->budget.count(), 600);
  s = MakeTransferSession(config, {{"https_proxy", "http://env:1"}, {"SSL_CERT_FILE", "/env.pem"},
                                   {"LEANCACHE_REQUEST_TIMEOUT", "30"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->net.https_proxy, "http://env:1");
  EXPECT_EQ((*s)->net.all_proxy, "");
  EXPECT_EQ((*s)->net.ca_file, "/env.pem");
  EXPECT_EQ((*s)->budget.count(), 30);
}

TEST(MakeTransferSession, RejectsABadTimeout) {
  for (const char* bad : {"0", "-5", "ten", "9999999"}) {
    auto s = MakeTransferSession(Config{}, {{"LEANCACHE_REQUEST_TIMEOUT", bad}});
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(UnreachableLine, NamesHostCauseAndWhatToCheck) {
  EXPECT_EQ(UnreachableLine(HostFailure{"cache.mathlib.org", "", ReachCause::kResolveHost, "x"}),
            "cannot reach cache.mathlib.org: could not resolve host — check the network, a proxy "
            "(https_proxy) or MATHLIB_CACHE_GET_URL");
  std::string proxy = UnreachableLine(HostFailure{"cache.mathlib.org", "http://px:3128", ReachCause::kConnectProxy, ""});
  EXPECT_EQ(proxy.rfind("cannot reach proxy http://px:3128 (for cache.mathlib.org): proxy refused the connection — ", 0), 0u)
      << proxy;
  std::string tls = UnreachableLine(HostFailure{"m.example", "", ReachCause::kTlsUntrusted, ""});
  EXPECT_NE(tls.find("SSL_CERT_FILE"), std::string::npos) << tls;
  std::string budget = UnreachableLine(HostFailure{"m.example", "", ReachCause::kTimeBudget, "time budget of 30 s"});
  EXPECT_NE(budget.find("LEANCACHE_REQUEST_TIMEOUT"), std::string::npos) << budget;
}

TEST(Offline, FlagOrVariable) {
  EXPECT_TRUE(OfflineRequested({{"offline", ""}}, {}));
  EXPECT_TRUE(OfflineRequested({}, {{"LEANCACHE_OFFLINE", "1"}}));
  EXPECT_TRUE(OfflineRequested({}, {{"LEANCACHE_OFFLINE", "true"}}));
  EXPECT_FALSE(OfflineRequested({}, {{"LEANCACHE_OFFLINE", "0"}}));
  EXPECT_FALSE(OfflineRequested({{"offline", "false"}}, {}));
  EXPECT_FALSE(OfflineRequested({}, {}));
}

TEST(Offline, ListsAtMostAHundredMissingFiles) {
  std::vector<std::string> names;
  for (int i = 0; i < 130; ++i) names.push_back("M" + std::to_string(i) + " (x.ltar)");
  std::vector<std::string> lines = OfflineMissingLines(names);
  ASSERT_EQ(lines.size(), 102u);
  EXPECT_EQ(lines[0], "Offline (--offline / LEANCACHE_OFFLINE): not downloading 130 file(s) missing from the cache:");
  EXPECT_EQ(lines[1], "  M0 (x.ltar)");
  EXPECT_EQ(lines.back(), "  ... and 30 more");
}

}  // namespace
}  // namespace leancache::sources
