// The Lake service's small parts: request paths, config, the write key, /proc/net/tcp owners.
#include <arpa/inet.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/lakesvc/peer_uid.h"
#include "daemon/lakesvc/request_path.h"
#include "daemon/lakesvc/service_config.h"
#include "daemon/lake/service_key.h"

namespace leancache::lakesvc {
namespace {

TEST(ObjectPath, ArtifactsAndRevisions) {
  auto a = ParseObjectPath("/artifacts/owner/repo%21/00ff00ff00ff00ff.art");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->kind, ObjectKind::kArtifact);
  EXPECT_EQ(a->lake_hash, 0x00ff00ff00ff00ffu);
  EXPECT_EQ(a->Suffix(), "owner/repo%21/00ff00ff00ff00ff.art");
  auto r = ParseObjectPath("/revisions/o/r/pt/x86_64-unknown-linux-gnu/tc/leanprover--lean4---v4.35.0/abc.jsonl");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, ObjectKind::kRevision);
  EXPECT_EQ(r->rev, "abc");
  EXPECT_EQ(r->scope.size(), 6u);
}

TEST(ObjectPath, RefusesTraversalAndBadNames) {
  for (const char* bad : {"/artifacts/../x/00ff00ff00ff00ff.art", "/artifacts/a//00ff00ff00ff00ff.art",
                          "/artifacts/a/./00ff00ff00ff00ff.art", "/artifacts/a/00FF00FF00FF00FF.art",
                          "/artifacts/a/00ff.art", "/artifacts/a/00ff00ff00ff00ff.olean", "/revisions/a/.jsonl",
                          "/revisions/a/x.json", "/revisions/a b/x.jsonl", "/artifacts/a%2/00ff00ff00ff00ff.art"}) {
    auto p = ParseObjectPath(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(p.status())) << bad;
  }
  EXPECT_TRUE(absl::IsNotFound(ParseObjectPath("/other/x").status()));
  EXPECT_TRUE(absl::IsNotFound(ParseObjectPath("/artifacts").status()));
}

TEST(ServiceConfig, ParsesAndRefuses) {
  auto c = ParseServiceConfig(nlohmann::json::parse(R"({"listen": "127.0.0.1:7878",
      "upstream": {"artifact_endpoint": "https://c.example/artifacts/", "revision_endpoint": "https://c.example/revisions"},
      "writes": "through"})"), "cfg");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen->port, 7878);
  EXPECT_EQ(c->upstream.artifact, "https://c.example/artifacts");
  EXPECT_EQ(c->upload.revision, "https://c.example/revisions");  // upload defaults to upstream
  EXPECT_EQ(c->writes, WriteMode::kThrough);
  EXPECT_FALSE(ParseListenAddress("0.0.0.0:7878", "x").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:0", "x").ok());
  EXPECT_FALSE(ParseServiceConfig(nlohmann::json::parse(R"({"writes": "through"})"), "cfg").ok());
  EXPECT_FALSE(ParseServiceConfig(nlohmann::json::parse(R"({"upstrem": {}})"), "cfg").ok());
  EXPECT_FALSE(ParseServiceConfig(nlohmann::json::parse(
      R"({"upstream": {"artifact_endpoint": "ftp://x", "revision_endpoint": "https://y"}})"), "cfg").ok());
}

TEST(WriteKey, RegisteredPrivatelyAndParsed) {
  auto dir = std::filesystem::temp_directory_path() / ("lakesvc-key-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_TRUE(absl::IsNotFound(lake::LoadWriteKey(dir).status()));
  EXPECT_FALSE(lake::RegisterWriteKey(dir, "no-colon").ok());
  ASSERT_TRUE(lake::RegisterWriteKey(dir, "AKID:se:cret").ok());
  struct stat st {};
  ASSERT_EQ(::stat(lake::WriteKeyPath(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto key = lake::LoadWriteKey(dir);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->access_key, "AKID");
  EXPECT_EQ(key->secret_key, "se:cret");  // split at the first ':' like curl --user
  ::chmod(lake::WriteKeyPath(dir).c_str(), 0644);
  auto loose = lake::LoadWriteKey(dir);
  EXPECT_TRUE(absl::IsFailedPrecondition(loose.status()));
  EXPECT_EQ(loose.status().message().find("cret"), absl::string_view::npos);
  std::filesystem::remove_all(dir);
}

sockaddr_in Addr(const char* ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, ip, &a.sin_addr);
  a.sin_port = htons(port);
  return a;
}

TEST(PeerUid, FindsTheClientSocketsOwner) {
  // Two sides of 127.0.0.1:51000 <-> 127.0.0.1:7878 (0x1EC6 = 7878, 0xC738 = 51000), plus the listener.
  const char* table =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:1EC6 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1\n"
      "   1: 0100007F:1EC6 0100007F:C738 01 00000000:00000000 00:00000000 00000000  1000        0 2 1\n"
      "   2: 0100007F:C738 0100007F:1EC6 01 00000000:00000000 00:00000000 00000000  1001        0 3 1\n";
  auto uid = FindSocketOwner(table, Addr("127.0.0.1", 51000), Addr("127.0.0.1", 7878));
  ASSERT_TRUE(uid.ok()) << uid.status();
  EXPECT_EQ(*uid, 1001u);
  EXPECT_TRUE(absl::IsNotFound(FindSocketOwner(table, Addr("127.0.0.1", 51001), Addr("127.0.0.1", 7878)).status()));
}

}  // namespace
}  // namespace leancache::lakesvc
