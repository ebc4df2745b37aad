// The environment -> per-transfer proxy/CA mapping (curl's rules) and no_proxy matching.

#include "daemon/transfer/net_settings.h"

#include <gtest/gtest.h>

namespace leancache::transfer {
namespace {

TEST(NetSettingsFromEnv, EmptyEnvKeepsTheFallback) {
  NetSettings fallback;
  fallback.all_proxy = "http://cfg:3128";
  fallback.no_proxy = "internal";
  fallback.ca_file = "/etc/cfg.pem";
  EXPECT_EQ(NetSettingsFromEnv({}, fallback), fallback);
  EXPECT_EQ(NetSettingsFromEnv({{"PATH", "/bin"}}), NetSettings{});
}

TEST(NetSettingsFromEnv, ReadsTheProxyVariablesLikeCurl) {
  NetSettings n = NetSettingsFromEnv({{"http_proxy", "http://h:1"},
                                      {"HTTPS_PROXY", "http://s:2"},
                                      {"ALL_PROXY", "socks5://a:3"},
                                      {"NO_PROXY", "localhost"}});
  EXPECT_EQ(n.http_proxy, "http://h:1");
  EXPECT_EQ(n.https_proxy, "http://s:2");
  EXPECT_EQ(n.all_proxy, "socks5://a:3");
  EXPECT_EQ(n.no_proxy, "localhost");
}

TEST(NetSettingsFromEnv, UppercaseHttpProxyIsIgnoredAsCurlDoes) {
  EXPECT_EQ(NetSettingsFromEnv({{"HTTP_PROXY", "http://evil:1"}}).http_proxy, "");
}

TEST(NetSettingsFromEnv, LowercaseWinsOverUppercase) {
  NetSettings n = NetSettingsFromEnv({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:1"},
                                      {"no_proxy", "a"}, {"NO_PROXY", "b"}});
  EXPECT_EQ(n.https_proxy, "http://lower:1");
  EXPECT_EQ(n.no_proxy, "a");
}

TEST(NetSettingsFromEnv, AnyEnvProxyReplacesTheConfigProxy) {
  NetSettings fallback;
  fallback.all_proxy = "http://cfg:3128";
  NetSettings n = NetSettingsFromEnv({{"https_proxy", "http://env:8080"}}, fallback);
  EXPECT_EQ(n.https_proxy, "http://env:8080");
  EXPECT_EQ(n.all_proxy, "") << "the environment's proxies replace the config's wholesale";
}

TEST(NetSettingsFromEnv, BlankValuesCountAsUnset) {
  NetSettings fallback;
  fallback.all_proxy = "http://cfg:3128";
  EXPECT_EQ(NetSettingsFromEnv({{"https_proxy", "  "}}, fallback).all_proxy, "http://cfg:3128");
}

TEST(NetSettingsFromEnv, CaBundleWinsOverSslCertFileAndDir) {
  NetSettings n = NetSettingsFromEnv({{"CURL_CA_BUNDLE", "/b.pem"}, {"SSL_CERT_FILE", "/f.pem"},
                                      {"SSL_CERT_DIR", "/d"}});
  EXPECT_EQ(n.ca_file, "/b.pem");
  EXPECT_EQ(n.ca_path, "");
  n = NetSettingsFromEnv({{"SSL_CERT_FILE", "/f.pem"}, {"SSL_CERT_DIR", "/d"}});
  EXPECT_EQ(n.ca_file, "/f.pem");
  EXPECT_EQ(n.ca_path, "/d");
}

TEST(NetSettingsFromEnv, EnvCaReplacesConfigCa) {
  NetSettings fallback;
  fallback.ca_file = "/cfg.pem";
  fallback.ca_path = "/cfgdir";
  NetSettings n = NetSettingsFromEnv({{"SSL_CERT_DIR", "/d"}}, fallback);
  EXPECT_EQ(n.ca_file, "");
  EXPECT_EQ(n.ca_path, "/d");
}

TEST(NoProxy, MatchesHostsDomainsIpsAndCidrs) {
  EXPECT_TRUE(NoProxyMatches("*", "anything.example"));
  EXPECT_TRUE(NoProxyMatches("example.org", "example.org"));
  EXPECT_TRUE(NoProxyMatches("example.org", "a.b.example.org"));
  EXPECT_TRUE(NoProxyMatches(".example.org", "cache.example.org"));
  EXPECT_FALSE(NoProxyMatches("example.org", "badexample.org"));
  EXPECT_TRUE(NoProxyMatches("localhost, 127.0.0.1", "127.0.0.1"));
  EXPECT_TRUE(NoProxyMatches("EXAMPLE.org", "Cache.Example.ORG"));
  EXPECT_TRUE(NoProxyMatches("10.0.0.0/8", "10.1.2.3"));
  EXPECT_FALSE(NoProxyMatches("10.0.0.0/8", "11.1.2.3"));
  EXPECT_TRUE(NoProxyMatches("example.org:8080", "example.org"));
  EXPECT_TRUE(NoProxyMatches("::1", "[::1]"));
  EXPECT_FALSE(NoProxyMatches("", "example.org"));
}

TEST(RouteFor, PicksTheSchemesProxyAndHonoursNoProxy) {
  NetSettings n;
  n.http_proxy = "http://hp:1";
  n.https_proxy = "http://user:secret@sp:2";
  n.all_proxy = "http://ap:3";
  n.no_proxy = "direct.example";
  Route r = RouteFor("https://cache.mathlib.org/f/x.ltar", n);
  EXPECT_EQ(r.host, "cache.mathlib.org");
  EXPECT_EQ(r.proxy, "http://user:secret@sp:2");
  EXPECT_EQ(r.proxy_display, "http://sp:2") << "credentials never reach a message";
  EXPECT_EQ(RouteFor("http://127.0.0.1:9/f/x.ltar", n).proxy, "http://hp:1");
  EXPECT_EQ(RouteFor("http://127.0.0.1:9/f/x.ltar", n).host, "127.0.0.1:9");
  EXPECT_EQ(RouteFor("https://direct.example/f/x.ltar", n).proxy, "");
  n.https_proxy.clear();
  EXPECT_EQ(RouteFor("https://cache.mathlib.org/", n).proxy, "http://ap:3") << "ALL_PROXY fills in";
  EXPECT_EQ(RouteFor("https://cache.mathlib.org/", NetSettings{}).proxy, "");
}

}  // namespace
}  // namespace leancache::transfer
