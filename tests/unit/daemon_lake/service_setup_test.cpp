// `leancache lake setup`'s config.toml merge: comments and other settings survive, an existing
// service is corrected in place, the result always parses to the wanted service.
#include "daemon/lake/service_setup.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/fs/fd.h"
#include "common/lake/lake_config.h"

namespace leancache::lake {
namespace {

SetupOptions At(uint16_t port) {
  SetupOptions o;
  o.port = port;
  return o;
}

void ExpectService(const std::string& text, uint16_t port) {
  auto config = lake::ParseLakeConfig(text, "merged");
  ASSERT_TRUE(config.ok()) << config.status();
  const lake::CacheService* s = config->Find("leancache");
  ASSERT_NE(s, nullptr) << text;
  EXPECT_FALSE(s->reservoir);
  EXPECT_EQ(s->artifact_endpoint, "http://127.0.0.1:" + std::to_string(port) + "/artifacts");
  EXPECT_EQ(s->revision_endpoint, "http://127.0.0.1:" + std::to_string(port) + "/revisions");
}

TEST(LakeSetup, StanzaIsWhatLakeReads) {
  std::string stanza = SetupStanza(At(7878));
  EXPECT_NE(stanza.find("[[cache.service]]\nname = \"leancache\"\nkind = \"s3\"\n"
                        "artifactEndpoint = \"http://127.0.0.1:7878/artifacts\"\n"
                        "revisionEndpoint = \"http://127.0.0.1:7878/revisions\"\n"),
            std::string::npos);
  ExpectService(stanza, 7878);
  auto merged = MergeSetup("", At(7878), "empty");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, stanza);
}

TEST(LakeSetup, AppendsAndKeepsTheUsersContent) {
  const std::string mine =
      "# my services\ncache.defaultUploadService = \"r2\"\n\n[[cache.service]]\nname = \"r2\"  # upload\n"
      "kind = \"s3\"\nartifactEndpoint = \"https://x.r2.cloudflarestorage.com/b/artifacts\"\n"
      "revisionEndpoint = \"https://x.r2.cloudflarestorage.com/b/revisions\"\n";
  auto merged = MergeSetup(mine, At(9000), "config.toml");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->substr(0, mine.size()), mine);
  ExpectService(*merged, 9000);
  auto config = lake::ParseLakeConfig(*merged, "m");
  EXPECT_EQ(config->default_upload_service, "r2");
  EXPECT_NE(config->Find("r2"), nullptr);
  auto again = MergeSetup(*merged, At(9000), "config.toml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *merged);  // idempotent
}

TEST(LakeSetup, CorrectsAnExistingServiceInPlace) {
  const std::string old =
      "[[cache.service]]\nname = \"leancache\"\ntype = \"reservoir\"  # wrong\n"
      "artifactEndpoint = \"http://127.0.0.1:1/artifacts\"\n# keep me\n[[cache.service]]\nname = \"other\"\n"
      "kind = \"reservoir\"\napiEndpoint = \"https://r.example/api/v1\"\n";
  auto merged = MergeSetup(old, At(7001), "config.toml");
  ASSERT_TRUE(merged.ok()) << merged.status();
  ExpectService(*merged, 7001);
  EXPECT_NE(merged->find("# keep me"), std::string::npos);
  EXPECT_NE(merged->find("type = \"s3\""), std::string::npos);
  EXPECT_EQ(merged->find("[[cache.service]]\nname = \"leancache\"", 10), std::string::npos);  // not duplicated
  EXPECT_TRUE(lake::ParseLakeConfig(*merged, "m")->Find("other")->reservoir);
}

TEST(LakeSetup, DefaultServiceIsSetOrReplaced) {
  SetupOptions o = At(7002);
  o.make_default = true;
  auto fresh = MergeSetup("[cache]\nfoo = 1\n", o, "c");
  // A [cache] table cannot be combined with a top-level dotted cache.defaultService: refused.
  EXPECT_FALSE(fresh.ok());
  auto replaced = MergeSetup("cache.defaultService = \"reservoir-mirror\"\n", o, "c");
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(lake::ParseLakeConfig(*replaced, "m")->default_service, "leancache");
  ExpectService(*replaced, 7002);
}

TEST(LakeSetup, InvalidOrUnmergeableFilesAreNotChanged) {
  auto bad = MergeSetup("cache.service = [\n", At(1), "broken.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("broken.toml"), absl::string_view::npos);
  EXPECT_NE(bad.status().message().find("not changed"), absl::string_view::npos);
  auto inline_array = MergeSetup("cache.service = []\n", At(1), "inline.toml");
  ASSERT_FALSE(inline_array.ok());
  EXPECT_NE(inline_array.status().message().find("by hand"), absl::string_view::npos);
}

TEST(LakeSetup, WriteSetupIsAtomicAndKeepsTheMode) {
  auto dir = std::filesystem::temp_directory_path() / ("lake-setup-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto path = dir / ".lake" / "config.toml";
  auto wrote = WriteSetup(path, At(7003));
  ASSERT_TRUE(wrote.ok()) << wrote.status();
  EXPECT_TRUE(*wrote);
  ExpectService(*fs::ReadFile(path.string()), 7003);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_FALSE(*WriteSetup(path, At(7003)));  // nothing to change
  EXPECT_TRUE(*WriteSetup(path, At(7004)));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ExpectService(*fs::ReadFile(path.string()), 7004);
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(path.parent_path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temp file left
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace leancache::lake
