// Uploads to the SigV4-verifying S3 test server (tests/tools/s3peer, python3-botocore): correct
// credentials store the object, a wrong secret gives 403 with a clear message free of the secret,
// session tokens, the Cloudflare-era MATHLIB_CACHE_S3_TOKEN, conditional writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "daemon/transfer/transport.h"
#include "daemon/upload/backend.h"
#include "daemon/upload/upload_archives.h"
#include "tests/unit/daemon_upload/test_peer.h"

namespace leancache::upload {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace leancache::upload::testing;

constexpr char kKey[] = "AKIDLEANCACHE";
constexpr char kSecret[] = "s3cr3t/LeanCache+Key0123456789abcdefXYZ";
constexpr char kSession[] = "SessionTokenValue-9f8e7d";

std::unique_ptr<transfer::Transport> MakeTransport() {
  transfer::TransportOptions o;
  o.retry.initial_backoff = std::chrono::milliseconds(20);
  o.retry.max_attempts = 2;
  auto t = transfer::Transport::Create(o);
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(*t);
}

absl::StatusOr<std::unique_ptr<Peer>> StartS3(const TempDir& dir, bool session) {
  std::map<std::string, std::string> env = {{"S3_ACCESS_KEY", kKey}, {"S3_SECRET_KEY", kSecret}};
  if (session) env["S3_SESSION_TOKEN"] = kSession;
  return Peer::Start("s3peer.sh", "s3peer_exec", {"{PORT}", (dir.path() / "data").string()}, env, 30);
}

std::vector<std::filesystem::path> MakeArchives(const TempDir& dir, int n) {
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < n; ++i) {
    auto p = dir.path() / "cache" / absl::StrCat("0123456789abcd", i, "f.ltar");
    std::string content;
    for (int k = 0; k < 5000 + 100 * i; ++k) content.push_back(static_cast<char>((k * 13 + i) & 0xff));
    WriteFile(p, content);
    files.push_back(p);
  }
  return files;
}

void ExpectNoSecret(const sources::Messages& messages) {
  for (const auto& m : messages) {
    EXPECT_THAT(m.text, Not(HasSubstr(kSecret))) << m.text;
    EXPECT_THAT(m.text, Not(HasSubstr(kSession))) << m.text;
  }
}

bool Available() { return RunLib("s3peer.sh", "s3peer_available").ok(); }

TEST(S3Upload, SignedPutsStoreObjectsAndConflictsAreAlreadyPresent) {
  if (!Available()) GTEST_SKIP() << "python3-botocore not installed";
  TempDir dir;
  auto peer = StartS3(dir, false);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::printf("s3peer ready in %.2f s\n", (*peer)->startup_seconds());
  std::string bucket = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/mathlib4");
  sources::Env env = {{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", kKey},
                      {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", kSecret},
                      {"MATHLIB_CACHE_S3_REGION", "auto"},
                      {"MATHLIB_CACHE_PUT_BASE_URL", bucket}};
  UploadOptions options;
  options.repo = "alice/mathlib4";
  auto backend = SelectBackend(env, options);
  ASSERT_TRUE(backend.ok()) << backend.status();
  auto transport = MakeTransport();
  auto files = MakeArchives(dir, 4);
  UploadSummary s = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(s.ok()) << (s.messages.size() > 1 ? s.messages[1].text : "");
  EXPECT_EQ(s.totals.uploaded, 4u);
  EXPECT_EQ(s.messages[0], sources::Stdout("Attempting to upload 4 file(s) to alice/mathlib4 "
                                           "cache (container: (env override))"));
  for (const auto& f : files) {
    EXPECT_EQ(ReadFile(dir.path() / "data/mathlib4/f/alice/mathlib4" / f.filename()), ReadFile(f));
  }
  s = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.totals.already_present, 4u);
  WriteFile(files[2], "overwritten");
  s = UploadArchives(*transport, *backend, files, true);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.totals.uploaded, 4u);
  EXPECT_EQ(ReadFile(dir.path() / "data/mathlib4/f/alice/mathlib4" / files[2].filename()),
            "overwritten");

  // --container on an S3 bucket: {bucket}/{segment}/f/...
  options.container = "nightly-testing";
  auto in_container = SelectBackend(env, options);
  ASSERT_TRUE(in_container.ok());
  s = UploadArchives(*transport, *in_container, {files[0]}, false);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(ReadFile(dir.path() / "data/mathlib4/mathlib4-nightly-testing/f/alice/mathlib4" /
                     files[0].filename()),
            ReadFile(files[0]));

  // Commit manifest.
  auto v = UploadCommitManifest(*transport, *backend, "0123abcd", {7, 3}, dir.path(), false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(ReadFile(dir.path() / "data/mathlib4/c/0123abcd"), "3\n7\n");

  // Cloudflare-era KEY:SECRET token.
  sources::Env legacy = {{"MATHLIB_CACHE_S3_TOKEN", absl::StrCat(kKey, ":", kSecret)},
                         {"MATHLIB_CACHE_PUT_BASE_URL", bucket}};
  auto legacy_backend = SelectBackend(legacy, {});
  ASSERT_TRUE(legacy_backend.ok()) << legacy_backend.status();
  s = UploadArchives(*transport, *legacy_backend, {files[3]}, false);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(ReadFile(dir.path() / "data/mathlib4/f" / files[3].filename()), ReadFile(files[3]));
}

TEST(S3Upload, WrongSecretIsRefusedWithoutLeakingIt) {
  if (!Available()) GTEST_SKIP() << "python3-botocore not installed";
  TempDir dir;
  auto peer = StartS3(dir, false);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::string bucket = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/mathlib4");
  sources::Env env = {{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", kKey},
                      {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", std::string(kSecret) + "x"},
                      {"MATHLIB_CACHE_S3_REGION", "us-east-1"},
                      {"MATHLIB_CACHE_PUT_BASE_URL", bucket}};
  auto backend = SelectBackend(env, {});
  ASSERT_TRUE(backend.ok());
  auto transport = MakeTransport();
  auto files = MakeArchives(dir, 2);
  UploadSummary s = UploadArchives(*transport, *backend, files, false);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.totals.failed, 2u);
  ASSERT_EQ(s.messages.size(), 4u);
  EXPECT_THAT(s.messages[1].text, HasSubstr("HTTP 403"));
  EXPECT_THAT(s.messages[1].text, HasSubstr("refused the SigV4 signature"));
  EXPECT_THAT(s.messages[1].text, HasSubstr(bucket + "/f/"));
  EXPECT_EQ(s.messages[3], sources::Stderr("Uploading 2 file(s) failed"));
  ExpectNoSecret(s.messages);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data/mathlib4/f" / files[0].filename()));
  auto v = UploadCommitManifest(*transport, *backend, "abc", {1}, dir.path(), false);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("HTTP 403"));
  EXPECT_THAT(std::string(v.status().message()), Not(HasSubstr(kSecret)));
}

TEST(S3Upload, SessionToken) {
  if (!Available()) GTEST_SKIP() << "python3-botocore not installed";
  TempDir dir;
  auto peer = StartS3(dir, true);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::string bucket = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/b");
  sources::Env env = {{"MATHLIB_CACHE_S3_ACCESS_KEY_ID", kKey},
                      {"MATHLIB_CACHE_S3_SECRET_ACCESS_KEY", kSecret},
                      {"MATHLIB_CACHE_S3_REGION", "auto"},
                      {"MATHLIB_CACHE_PUT_BASE_URL", bucket}};
  auto transport = MakeTransport();
  auto files = MakeArchives(dir, 1);
  // Without the session token the server refuses.
  auto without = SelectBackend(env, {});
  ASSERT_TRUE(without.ok());
  UploadSummary s = UploadArchives(*transport, *without, files, false);
  EXPECT_EQ(s.totals.failed, 1u);
  EXPECT_THAT(s.messages[1].text, HasSubstr("HTTP 403"));
  // With it: stored.
  env["MATHLIB_CACHE_S3_SESSION_TOKEN"] = kSession;
  auto with = SelectBackend(env, {});
  ASSERT_TRUE(with.ok());
  s = UploadArchives(*transport, *with, files, false);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.totals.uploaded, 1u);
  EXPECT_EQ(ReadFile(dir.path() / "data/b/f" / files[0].filename()), ReadFile(files[0]));
  ExpectNoSecret(s.messages);
}

}  // namespace
}  // namespace leancache::upload
