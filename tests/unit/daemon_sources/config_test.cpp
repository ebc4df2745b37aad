#include "daemon/sources/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "temp_dir.h"

namespace leancache::sources {
namespace {

using testing::TempDir;

TEST(ConfigPath, PrefersXdgConfigHome) {
  auto p = ConfigFilePath({{"XDG_CONFIG_HOME", "/x/cfg"}, {"HOME", "/home/u"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "/x/cfg/leancache/config.json");
}

TEST(ConfigPath, FallsBackToHomeWhenXdgBlank) {
  auto p = ConfigFilePath({{"XDG_CONFIG_HOME", "  "}, {"HOME", "/home/u"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "/home/u/.config/leancache/config.json");
}

TEST(ConfigPath, NeitherSetIsNotFound) {
  auto p = ConfigFilePath({{"PATH", "/bin"}});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
}

TEST(ConfigParse, EmptyObjectGivesDefaults) {
  auto c = ParseConfig("{}", "/etc/x.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->mirrors.empty());
  EXPECT_EQ(c->public_host, "https://cache.mathlib.org");
  EXPECT_EQ(c->container_host, "https://lakecache.blob.core.windows.net");
  EXPECT_EQ(c->max_parallel_downloads, 32u);
  EXPECT_EQ(c->cache_size_cap_bytes, 0u);
  EXPECT_EQ(c->source, "/etc/x.json");
}

TEST(ConfigParse, FullFile) {
  auto c = ParseConfig(R"({
    "mirrors": [
      {"url": "https://m1.example/cache/", "mode": "prepend"},
      {"url": "http://m2.example", "mode": "Append"},
      {"url": "file:///srv/mirror", "mode": "replace"},
      "https://m4.example"
    ],
    "hosts": {"public": "https://pub.example/", "containers": "https://dev.example"},
    "max_parallel_downloads": 8,
    "cache_size_cap_bytes": "2G",
    "log_level": "debug"
  })",
                       "cfg.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->mirrors.size(), 4u);
  EXPECT_EQ(c->mirrors[0].url, "https://m1.example/cache");
  EXPECT_EQ(c->mirrors[0].mode, MirrorMode::kPrepend);
  EXPECT_EQ(c->mirrors[1].mode, MirrorMode::kAppend);
  EXPECT_EQ(c->mirrors[2].url, "file:///srv/mirror");
  EXPECT_EQ(c->mirrors[2].mode, MirrorMode::kReplace);
  EXPECT_EQ(c->mirrors[3].url, "https://m4.example");
  EXPECT_EQ(c->mirrors[3].mode, MirrorMode::kPrepend);  // the default mode
  EXPECT_EQ(c->public_host, "https://pub.example");
  EXPECT_EQ(c->container_host, "https://dev.example");
  EXPECT_EQ(c->max_parallel_downloads, 8u);
  EXPECT_EQ(c->cache_size_cap_bytes, 2ull << 30);
  EXPECT_EQ(c->extra["log_level"], "debug");
}

TEST(ConfigParse, ByteCounts) {
  struct Case {
    std::string json;
    uint64_t bytes;
  } cases[] = {{"123", 123}, {"\"512\"", 512}, {"\"10k\"", 10240}, {"\"3MiB\"", 3u << 20},
               {"\"1TB\"", 1ull << 40}, {"\" 7 g \"", 7ull << 30}};
  for (const Case& k : cases) {
    auto c = ParseConfig("{\"cache_size_cap_bytes\": " + k.json + "}", "c.json");
    ASSERT_TRUE(c.ok()) << k.json << " " << c.status();
    EXPECT_EQ(c->cache_size_cap_bytes, k.bytes) << k.json;
  }
}

void ExpectError(const std::string& json, const std::string& fragment) {
  auto c = ParseConfig(json, "/home/u/.config/leancache/config.json");
  ASSERT_FALSE(c.ok()) << json;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << json;
  std::string msg(c.status().message());
  EXPECT_EQ(msg.rfind("/home/u/.config/leancache/config.json: ", 0), 0u) << msg;
  EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
}

TEST(ConfigParse, Errors) {
  ExpectError("{", "invalid JSON");
  ExpectError("[]", "top level must be a JSON object");
  ExpectError(R"({"mirrors": {}})", "\"mirrors\" must be an array");
  ExpectError(R"({"mirrors": [{"mode": "append"}]})", "mirrors[0] has no \"url\"");
  ExpectError(R"({"mirrors": [{"url": "ftp://x/y"}]})", "mirrors[0].url must be an http(s)://");
  ExpectError(R"({"mirrors": [{"url": "https://a"}, {"url": "https://b", "mode": "first"}]})",
              "mirrors[1].mode must be \"prepend\", \"append\" or \"replace\", not \"first\"");
  ExpectError(R"({"mirrors": [{"url": "https://a", "weight": 3}]})", "unknown key \"weight\"");
  ExpectError(R"({"mirrors": [42]})", "mirrors[0] must be an object");
  ExpectError(R"({"hosts": {"public": 1}})", "\"hosts.public\" must be a string");
  ExpectError(R"({"hosts": {"dev": "https://x"}})", "unknown key \"dev\"");
  ExpectError(R"({"hosts": {"containers": "lakecache"}})", "must be an http(s):// or file:// URL");
  ExpectError(R"({"max_parallel_downloads": 0})", "max_parallel_downloads");
  ExpectError(R"({"max_parallel_downloads": "8"})", "max_parallel_downloads");
  ExpectError(R"({"max_parallel_downloads": 5000})", "1..1024");
  ExpectError(R"({"cache_size_cap_bytes": -1})", "must not be negative");
  ExpectError(R"({"cache_size_cap_bytes": "lots"})", "cannot parse byte count");
  ExpectError(R"({"cache_size_cap_bytes": "5X"})", "unknown unit");
  ExpectError(R"({"cache_size_cap_bytes": "99999999999T"})", "too large");
}

TEST(ConfigLoad, MissingFileGivesDefaults) {
  TempDir dir;
  auto c = LoadConfig(dir.path() / "nope" / "config.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->mirrors.empty());
  EXPECT_TRUE(c->source.empty());
}

TEST(ConfigLoad, ReadsAndNamesTheFile) {
  TempDir dir;
  auto path = dir.Write("leancache/config.json",
                        R"({"mirrors": [{"url": "https://m.example", "mode": "append"}]})");
  auto c = LoadConfig(path);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->mirrors.size(), 1u);
  EXPECT_EQ(c->source, path);

  auto bad = dir.Write("bad.json", "{\"mirrors\": 3}");
  auto e = LoadConfig(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find(bad.string()), absl::string_view::npos);
}

TEST(ConfigLoad, UnreadableFileIsAnErrorNamingIt) {
  if (geteuid() == 0) GTEST_SKIP() << "root can read anything";
  TempDir dir;
  auto path = dir.Write("config.json", "{}");
  chmod(path.c_str(), 0);
  auto c = LoadConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(path.string()), absl::string_view::npos);
}

TEST(ConfigLoad, DirectoryInsteadOfFileIsAnError) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "config.json");
  auto c = LoadConfig(dir.path() / "config.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("config.json"), absl::string_view::npos);
}

TEST(ConfigParse, NetworkKeys) {
  auto c = ParseConfig(R"({"proxy": " http://p:3128 ", "no_proxy": "localhost", "ca_bundle": "/ca.pem",
                          "ca_path": "/certs", "request_timeout": 60})", "/x.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->proxy, "http://p:3128");
  EXPECT_EQ(c->no_proxy, "localhost");
  EXPECT_EQ(c->ca_bundle, "/ca.pem");
  EXPECT_EQ(c->ca_path, "/certs");
  EXPECT_EQ(c->request_timeout_seconds, 60u);
  EXPECT_EQ(ParseConfig("{}", "/x.json")->request_timeout_seconds, 10800u);
  EXPECT_FALSE(ParseConfig(R"({"proxy": 3})", "/x.json").ok());
  EXPECT_FALSE(ParseConfig(R"({"request_timeout": 0})", "/x.json").ok());
}

}  // namespace
}  // namespace leancache::sources
