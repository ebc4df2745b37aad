// Backend selection, URLs, headers and messages (no network).
#include "daemon/upload/backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "tests/unit/daemon_upload/test_peer.h"

#include "daemon/transfer/transport.h"
#include "daemon/upload/upload_archives.h"

namespace leancache::upload {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAzureMissing[] =
    "environment variable MATHLIB_CACHE_AZURE_BEARER_TOKEN or MATHLIB_CACHE_SAS must be set to "
    "upload caches";
constexpr char kS3Missing[] =
    "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and MATHLIB_CACHE_S3_SECRET_ACCESS_KEY "
    "(or MATHLIB_CACHE_S3_TOKEN=KEY:SECRET) must be set to upload caches with --backend=s3";

std::string Header(const transfer::PutRequest& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.rfind(std::string(name) + ": ", 0) == 0) return h.substr(name.size() + 2);
  }
  return "<absent>";
}

TEST(SelectBackend, NoCredentialsGivesTheOriginalMessage) {
  auto b = SelectBackend({}, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(b.status().message(), kAzureMissing);
  // Blank values count as unset.
  b = SelectBackend({{"MATHLIB_CACHE_SAS", "  "}, {"MATHLIB_CACHE_AZURE_BEARER_TOKEN", ""}}, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), kAzureMissing);
  UploadOptions azure;
  azure.backend = "azure";
  b = SelectBackend({{"MATHLIB_CACHE_PUT_URL", "http://h/x"}}, azure);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), kAzureMissing);
}

TEST(SelectBackend, S3MissingCredentialsMessages) {
  UploadOptions s3;
  s3.backend = "s3";
  auto b = SelectBackend({}, s3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), kS3Missing);
  b = SelectBackend({{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "AK"}}, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and "
            "MATHLIB_CACHE_S3_SECRET_ACCESS_KEY must be set together");
  b = SelectBackend({{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "AK"},
                     {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", "topsecret"}},
                    {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            "environment variable MATHLIB_CACHE_S3_REGION must be set to upload caches with "
            "--backend=s3");
  b = SelectBackend({{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "AK"},
                     {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", "topsecret"},
                     {"MATHLIB_CACHE_S3_REGION", "auto"}},
                    {});
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(std::string(b.status().message()), HasSubstr("MATHLIB_CACHE_PUT_BASE_URL"));
  EXPECT_THAT(std::string(b.status().message()), Not(HasSubstr("topsecret")));
  b = SelectBackend({{"MATHLIB_CACHE_S3_TOKEN", "nocolon-secretvalue"}}, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "MATHLIB_CACHE_S3_TOKEN must have the form KEY:SECRET");
}

TEST(SelectBackend, AzureBearerWinsOverSasAndAddsHeaders) {
  auto b = SelectBackend({{"MATHLIB_CACHE_AZURE_BEARER_TOKEN", " tok "},
                          {"MATHLIB_CACHE_SAS", "sv=1&sig=abc"},
                          {"MATHLIB_CACHE_PUT_URL", "https://h/c/"}},
                         {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->kind, BackendKind::kAzure);
  EXPECT_EQ(b->auth.bearer_token, "tok");
  EXPECT_TRUE(b->sas.empty());
  EXPECT_EQ(b->container_label, "(env override)");
  auto req = MakePutRequest(*b, ArchiveUrl(*b, "0123456789abcdef.ltar"), "/tmp/x", true);
  EXPECT_EQ(req.url, "https://h/c/f/0123456789abcdef.ltar");
  EXPECT_EQ(Header(req, "x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(Header(req, "x-ms-version"), "2026-02-06");
  EXPECT_THAT(Header(req, "x-ms-date"), HasSubstr(" GMT"));
  EXPECT_TRUE(req.if_none_match);
  EXPECT_TRUE(req.conflict_is_already_present);
  req = MakePutRequest(*b, "https://h/c/f/x.ltar", "/tmp/x", false);
  EXPECT_FALSE(req.if_none_match);
  EXPECT_FALSE(req.conflict_is_already_present);
}

TEST(SelectBackend, AzureSasGoesOnlyIntoTheRequestUrl) {
  UploadOptions o;
  o.repo = "Alice/Mathlib4";
  o.container = "forks";
  o.scope = "ABC123";
  auto b = SelectBackend({{"MATHLIB_CACHE_SAS", "?sv=2021&sig=SECRETSIG"}}, o);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->sas, "sv=2021&sig=SECRETSIG");
  EXPECT_EQ(b->container_label, "forks");
  std::string url = ArchiveUrl(*b, "0123456789abcdef.ltar");
  EXPECT_EQ(url,
            "https://lakecache.blob.core.windows.net/mathlib4-forks/f/alice/mathlib4/abc123/"
            "0123456789abcdef.ltar");
  auto req = MakePutRequest(*b, url, "/tmp/x", true);
  EXPECT_EQ(req.url, url + "?sv=2021&sig=SECRETSIG");
  EXPECT_EQ(Header(req, "x-ms-version"), "<absent>");
  EXPECT_TRUE(b->messages.empty());
  EXPECT_EQ(*MarkerUrlFor(*b, "abc123"),
            "https://lakecache.blob.core.windows.net/mathlib4-forks/m/alice/mathlib4/abc123");
  EXPECT_EQ(CommitManifestUrl(*b, "abc123"),
            "https://lakecache.blob.core.windows.net/mathlib4-forks/c/abc123");
}

TEST(SelectBackend, NoDestinationFallsBackToLegacyWithWarning) {
  auto b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"}}, {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->container, sources::Container::kLegacy);
  EXPECT_EQ(b->container_label, "legacy");
  EXPECT_EQ(b->base_url, "https://lakecache.blob.core.windows.net/mathlib4");
  ASSERT_EQ(b->messages.size(), 3u);
  for (const auto& m : b->messages) EXPECT_EQ(m.stream, sources::Message::Stream::kStderr);
  EXPECT_EQ(ArchiveUrl(*b, "a.ltar"), "https://lakecache.blob.core.windows.net/mathlib4/f/a.ltar");
  EXPECT_FALSE(MarkerUrlFor(*b, "abc").has_value() && b->scope.has_value());
}

TEST(SelectBackend, PutUrlRepoPathPolicyAndScope) {
  UploadOptions o;
  o.repo = "alice/mathlib4";
  auto b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"},
                          {"MATHLIB_CACHE_PUT_URL", "http://127.0.0.1:1/up//"},
                          {"MATHLIB_CACHE_REPO_SCOPE", " deadBEEF "}},
                         o);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->scope, "deadbeef");
  EXPECT_EQ(ArchiveUrl(*b, "a.ltar"), "http://127.0.0.1:1/up/f/alice/mathlib4/deadbeef/a.ltar");
  EXPECT_FALSE(MarkerUrlFor(*b, "deadbeef").has_value());  // markers need --container
  o.repo = "leanprover-community/mathlib4";
  b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"}, {"MATHLIB_CACHE_PUT_URL", "http://h/up"}}, o);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(ArchiveUrl(*b, "a.ltar"), "http://h/up/f/a.ltar");
}

TEST(SelectBackend, PutBaseUrlRebasesContainers) {
  UploadOptions o;
  o.container = "Master";
  auto b = SelectBackend({{"MATHLIB_CACHE_AZURE_BEARER_TOKEN", "t"},
                          {"MATHLIB_CACHE_PUT_BASE_URL", "https://127.0.0.1:9/acct/"}},
                         o);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->base_url, "https://127.0.0.1:9/acct/mathlib4-master");
  EXPECT_EQ(b->container_label, "master");
}

TEST(SelectBackend, InvalidArguments) {
  UploadOptions o;
  o.container = "nope";
  auto b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"}}, o);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(b.status().message()), HasSubstr("--container=nope"));
  o = {};
  o.scope = "xyz";
  b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"}}, o);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.backend = "gcs";
  b = SelectBackend({{"MATHLIB_CACHE_SAS", "sig=x"}}, o);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SelectBackend, S3FromVariables) {
  auto b = SelectBackend({{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "AK"},
                          {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", "SK"},
                          {"MATHLIB_CACHE_S3_SESSION_TOKEN", "ST"},
                          {"MATHLIB_CACHE_S3_REGION", "us-east-1"},
                          {"MATHLIB_CACHE_SAS", "ignored"},
                          {"MATHLIB_CACHE_PUT_BASE_URL", "https://r2.example/bucket/"}},
                         {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->kind, BackendKind::kS3);
  ASSERT_TRUE(b->auth.sigv4.has_value());
  EXPECT_EQ(b->auth.sigv4->provider, "aws:amz:us-east-1:s3");
  EXPECT_EQ(b->auth.sigv4->access_key_id, "AK");
  EXPECT_EQ(b->auth.sigv4->secret_access_key, "SK");
  EXPECT_EQ(b->auth.sigv4->session_token, "ST");
  EXPECT_TRUE(b->sas.empty());
  EXPECT_EQ(ArchiveUrl(*b, "a.ltar"), "https://r2.example/bucket/f/a.ltar");
  auto req = MakePutRequest(*b, ArchiveUrl(*b, "a.ltar"), "/tmp/a", true);
  EXPECT_EQ(req.url, "https://r2.example/bucket/f/a.ltar");
  EXPECT_EQ(Header(req, "x-ms-blob-type"), "<absent>");
  EXPECT_TRUE(req.auth.sigv4.has_value());
  // --backend=azure overrides the S3 variables.
  UploadOptions azure;
  azure.backend = "azure";
  b = SelectBackend({{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "AK"}, {"MATHLIB_CACHE_SAS", "s=1"}},
                    azure);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->kind, BackendKind::kAzure);
}

TEST(SelectBackend, LegacyS3Token) {
  auto b = SelectBackend(
      {{"MATHLIB_CACHE_S3_TOKEN", "KEYID:SEC:RET"}, {"MATHLIB_CACHE_PUT_BASE_URL", "http://h/b"}},
      {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->auth.sigv4->access_key_id, "KEYID");
  EXPECT_EQ(b->auth.sigv4->secret_access_key, "SEC:RET");
  EXPECT_EQ(b->auth.sigv4->provider, "aws:amz:auto:s3");
}

TEST(SelectBackend, PlainHttp) {
  auto b = SelectBackend({{"MATHLIB_CACHE_PUT_URL", "http://h/dav"},
                          {"MATHLIB_CACHE_PUT_BEARER_TOKEN", "tok"}},
                         {});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->kind, BackendKind::kHttp);
  EXPECT_EQ(b->auth.bearer_token, "tok");
  auto req = MakePutRequest(*b, ArchiveUrl(*b, "a.ltar"), "/tmp/a", true);
  EXPECT_EQ(req.url, "http://h/dav/f/a.ltar");
  EXPECT_TRUE(req.headers.empty());
}

TEST(CommitManifest, DistinctSortedUnsignedDecimal) {
  EXPECT_EQ(CommitManifestText({}), "");
  EXPECT_EQ(CommitManifestText({5, 18446744073709551615ull, 10, 5, 9223372036854775808ull}),
            "5\n10\n9223372036854775808\n18446744073709551615\n");
}

TEST(HttpDateTest, Rfc1123) {
  // 2026-11-21 06:30:05 UTC is a Saturday.
  auto t = std::chrono::system_clock::from_time_t(1795242605);
  EXPECT_EQ(HttpDate(t), "Sat, 21 Nov 2026 06:30:05 GMT");
}

TEST(UploadArchivesTest, NothingToUpload) {
  auto transport = transfer::Transport::Create({});
  ASSERT_TRUE(transport.ok()) << transport.status();
  auto b = SelectBackend({{"MATHLIB_CACHE_PUT_URL", "http://127.0.0.1:1/x"}}, {});
  ASSERT_TRUE(b.ok());
  auto s = UploadArchives(**transport, *b, {}, false);
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0], sources::Stdout("No files to upload"));
}

// A server that accepts connections (kernel backlog) but never answers: the uploads hang until
// the cancel callback fires, then every one is counted as failed.
TEST(UploadArchivesTest, CancelStopsHangingUploads) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 64), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);

  testing::TempDir dir;
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < 3; ++i) {
    files.push_back(dir.path() / absl::StrCat("000000000000000", i, ".ltar"));
    testing::WriteFile(files.back(), "x");
  }
  auto transport = transfer::Transport::Create({});
  ASSERT_TRUE(transport.ok());
  auto b = SelectBackend({{"MATHLIB_CACHE_PUT_URL", absl::StrCat("http://127.0.0.1:", port)}}, {});
  ASSERT_TRUE(b.ok());
  std::atomic<int> polls{0};
  auto start = std::chrono::steady_clock::now();
  auto s = UploadArchives(**transport, *b, files, false, {}, [&] { return ++polls >= 3; });
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.totals.failed, 3u);
  EXPECT_GE(polls.load(), 3);
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(s.messages.back(), sources::Stderr("Uploading 3 file(s) failed"));
}

}  // namespace
}  // namespace leancache::upload
