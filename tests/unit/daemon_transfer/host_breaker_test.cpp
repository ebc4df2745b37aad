// The per-request circuit breaker's rules and the reach classification of curl outcomes.

#include "daemon/transfer/host_breaker.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace leancache::transfer {
namespace {

Route Direct(const std::string& host) { return Route{host, "", ""}; }
Route Proxied(const std::string& host) { return Route{host, "http://u:p@px:3128", "http://px:3128"}; }
HostFailure Failure(const Route& r, ReachCause cause) { return {r.host, r.proxy_display, cause, "curl words"}; }

TEST(ClassifyReach, MapsCurlCodes) {
  AttemptFacts f;
  f.curl_code = CURLE_COULDNT_RESOLVE_HOST;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kResolveHost);
  f.curl_code = CURLE_COULDNT_CONNECT;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kConnectHost);
  f.curl_code = CURLE_SSL_CONNECT_ERROR;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kTlsHandshake);
  f.curl_code = CURLE_PEER_FAILED_VERIFICATION;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kTlsUntrusted);
  f.curl_code = CURLE_SSL_CACERT_BADFILE;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kCaBundle);
  f.curl_code = CURLE_COULDNT_RESOLVE_PROXY;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kResolveProxy);
  f.curl_code = CURLE_RECV_ERROR;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kNone) << "a reset is a transient failure";
  f.curl_code = CURLE_PARTIAL_FILE;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kNone);
}

TEST(ClassifyReach, ProxyFailuresAreNamedAsSuch) {
  AttemptFacts f;
  f.via_proxy = true;
  f.curl_code = CURLE_COULDNT_CONNECT;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kConnectProxy);
  f.connect_status = 502;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kProxyTunnel);
  f.curl_code = CURLE_RECV_ERROR;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kProxyTunnel);
  f.connect_status = 407;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kProxyAuth);
  f.connect_status = 401;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kProxyAuth) << "tinyproxy's answer to wrong credentials";
  AttemptFacts plain;
  plain.via_proxy = true;
  plain.http_status = 407;
  EXPECT_EQ(ClassifyReach(plain), ReachCause::kProxyAuth);
  plain.via_proxy = false;
  EXPECT_EQ(ClassifyReach(plain), ReachCause::kNone) << "a server's own 407 is an HTTP answer";
}

TEST(ClassifyReach, TimeoutsBeforeAndAfterConnecting) {
  AttemptFacts f;
  f.curl_code = CURLE_OPERATION_TIMEDOUT;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kResolveHost) << "resolving timed out";
  f.name_resolved = true;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kConnectTimeout);
  f.request_sent = true;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kNone) << "a stall is transient; the stall timeout handles it";
  f.request_sent = false;
  f.http_status = 200;
  EXPECT_EQ(ClassifyReach(f), ReachCause::kNone);
}

TEST(HostBreaker, OpensOnceAndBlocksTheRouteOnly) {
  HostBreaker b;
  Route dead = Direct("cache.example.invalid"), live = Direct("mirror.example");
  EXPECT_FALSE(b.Blocking(dead));
  EXPECT_TRUE(b.Failed(dead, Failure(dead, ReachCause::kResolveHost)));
  EXPECT_TRUE(b.Failed(dead, Failure(dead, ReachCause::kResolveHost)));
  ASSERT_TRUE(b.Blocking(dead));
  EXPECT_EQ(b.Blocking(dead)->cause, ReachCause::kResolveHost);
  EXPECT_FALSE(b.Blocking(live));
  std::vector<HostFailure> news = b.TakeNew();
  ASSERT_EQ(news.size(), 1u) << "one report per host";
  EXPECT_EQ(news[0].host, "cache.example.invalid");
  EXPECT_TRUE(b.TakeNew().empty());
}

TEST(HostBreaker, AHostThatAnsweredGetsRetriesForConnectFailures) {
  HostBreaker b;
  Route r = Direct("127.0.0.1:8080");
  b.Answered(r);
  EXPECT_FALSE(b.Failed(r, Failure(r, ReachCause::kConnectHost)));
  EXPECT_FALSE(b.Failed(r, Failure(r, ReachCause::kTlsHandshake)));
  EXPECT_FALSE(b.Blocking(r));
  EXPECT_TRUE(b.Failed(r, Failure(r, ReachCause::kTlsUntrusted))) << "permanent causes still open it";
}

TEST(HostBreaker, ANeverAnsweredHostOpensOnConnectFailure) {
  HostBreaker b;
  Route r = Direct("127.0.0.1:9");
  EXPECT_TRUE(b.Failed(r, Failure(r, ReachCause::kConnectHost)));
  EXPECT_TRUE(b.Blocking(r));
}

TEST(HostBreaker, ReachableMeansNoTrip) {
  HostBreaker b;
  Route r = Direct("h");
  EXPECT_FALSE(b.Failed(r, Failure(r, ReachCause::kNone)));
  EXPECT_FALSE(b.Blocking(r));
}

TEST(HostBreaker, ADeadProxyBlocksEveryHostBehindIt) {
  HostBreaker b;
  Route a = Proxied("a.example"), c = Proxied("c.example");
  EXPECT_TRUE(b.Failed(a, Failure(a, ReachCause::kConnectProxy)));
  ASSERT_TRUE(b.Blocking(c));
  EXPECT_EQ(b.Blocking(c)->proxy, "http://px:3128");
  EXPECT_FALSE(b.Blocking(Direct("c.example"))) << "the same host without the proxy is another route";
}

TEST(HostBreaker, AHostFailingBehindAProxyDoesNotBlockOthers) {
  HostBreaker b;
  Route a = Proxied("a.example"), c = Proxied("c.example");
  EXPECT_TRUE(b.Failed(a, Failure(a, ReachCause::kProxyTunnel)));
  EXPECT_TRUE(b.Blocking(a));
  EXPECT_FALSE(b.Blocking(c));
}

}  // namespace
}  // namespace leancache::transfer
