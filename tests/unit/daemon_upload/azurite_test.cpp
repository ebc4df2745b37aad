// Uploads to a real Azure Blob emulator (Azurite from npm, tests/integration/lib/azurite.sh):
// SAS and OAuth-bearer auth, If-None-Match conflicts, byte-identical round trips, the commit
// manifest and the per-commit marker. Skipped only when npm is absent and Azurite not installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

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

std::unique_ptr<transfer::Transport> MakeTransport(const std::string& ca_file = "") {
  transfer::TransportOptions o;
  o.retry.initial_backoff = std::chrono::milliseconds(20);
  o.retry.max_attempts = 2;
  o.ca_file = ca_file;
  auto t = transfer::Transport::Create(o);
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(*t);
}

// GETs `url` (with auth/headers) and returns the body, or "<verdict/status>" on failure.
std::string Get(transfer::Transport& t, const std::string& url, const TempDir& dir,
                std::vector<std::string> headers = {}, transfer::Auth auth = {}) {
  transfer::GetRequest g;
  g.url = url;
  g.temp_path = (dir.path() / "get.tmp").string();
  g.headers = std::move(headers);
  g.auth = std::move(auth);
  auto r = t.StartGet(g).result.get();
  if (!r.ok()) return absl::StrCat("<", transfer::VerdictName(r.verdict), " ", r.http_status, ">");
  std::string body = ReadFile(g.temp_path);
  std::remove(g.temp_path.c_str());
  return body;
}

// Creates `container` with a PUT ...?restype=container (empty body).
transfer::Result CreateContainer(transfer::Transport& t, const std::string& account_url,
                                 const std::string& container, const std::string& sas,
                                 const std::string& bearer, const TempDir& dir) {
  WriteFile(dir.path() / "empty", "");
  transfer::PutRequest p;
  p.url = absl::StrCat(account_url, "/", container, "?restype=container");
  if (!sas.empty()) absl::StrAppend(&p.url, "&", sas);
  p.source_path = (dir.path() / "empty").string();
  if (!bearer.empty()) {
    p.auth.bearer_token = bearer;
    p.headers = {"x-ms-version: 2021-08-06",
                 "x-ms-date: " + HttpDate(std::chrono::system_clock::now())};
  }
  return t.StartPut(p).result.get();
}

std::vector<std::filesystem::path> MakeArchives(const TempDir& dir, int n) {
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < n; ++i) {
    auto p = dir.path() / "cache" / absl::StrCat("00000000000000a", i, ".ltar");
    std::string content = absl::StrCat("archive ", i, "\n");
    for (int k = 0; k < 2000 * (i + 1); ++k) content.push_back(static_cast<char>((k * 7 + i) & 0xff));
    WriteFile(p, content);
    files.push_back(p);
  }
  return files;
}

void ExpectNoSecret(const sources::Messages& messages, const std::string& secret) {
  for (const auto& m : messages) EXPECT_THAT(m.text, Not(HasSubstr(secret))) << m.text;
}

class AzuriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!AzuriteAvailable()) GTEST_SKIP() << "npm is not installed: Azurite tests skipped";
  }
};

TEST_F(AzuriteTest, SasUploadConflictForceManifestAndMarker) {
  TempDir dir;
  auto peer = Peer::Start("azurite.sh", "azurite_exec", {"{PORT}"}, {}, 80);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::printf("azurite (http) ready in %.2f s\n", (*peer)->startup_seconds());
  std::string account = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/devstoreaccount1");
  auto account_sas = RunLib("azurite.sh", "azurite_sas account");
  auto sas = RunLib("azurite.sh", "azurite_sas container mathlib4-forks");
  ASSERT_TRUE(account_sas.ok() && sas.ok());
  auto transport = MakeTransport();
  ASSERT_EQ(CreateContainer(*transport, account, "mathlib4-forks", *account_sas, "", dir).http_status,
            201);

  sources::Env env = {{"MATHLIB_CACHE_SAS", *sas}, {"MATHLIB_CACHE_PUT_BASE_URL", account}};
  UploadOptions options;
  options.repo = "Alice/Mathlib4";
  options.container = "forks";
  options.scope = "abc123";
  auto backend = SelectBackend(env, options);
  ASSERT_TRUE(backend.ok()) << backend.status();
  auto files = MakeArchives(dir, 3);

  std::atomic<int> progress_calls{0};
  UploadSummary first = UploadArchives(*transport, *backend, files, /*force=*/false,
                                       [&](const UploadProgress& p) {
                                         ++progress_calls;
                                         EXPECT_LE(p.done, p.total);
                                       });
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.totals.uploaded, 3u);
  EXPECT_EQ(progress_calls.load(), 3);
  ASSERT_FALSE(first.messages.empty());
  EXPECT_EQ(first.messages[0],
            sources::Stdout("Attempting to upload 3 file(s) to Alice/Mathlib4 cache (container: forks)"));
  for (const auto& f : files) {
    std::string url = ArchiveUrl(*backend, f.filename().string());
    EXPECT_THAT(url, HasSubstr("/mathlib4-forks/f/alice/mathlib4/abc123/"));
    EXPECT_EQ(Get(*transport, url + "?" + *sas, dir), ReadFile(f)) << url;
  }

  // Second put: If-None-Match: * -> already present, not a failure.
  UploadSummary second = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(second.ok());
  EXPECT_EQ(second.totals.already_present, 3u);
  EXPECT_EQ(second.totals.uploaded, 0u);

  // put!: overwrite.
  WriteFile(files[0], "changed");
  UploadSummary forced = UploadArchives(*transport, *backend, files, true);
  EXPECT_TRUE(forced.ok());
  EXPECT_EQ(forced.totals.uploaded, 3u);
  EXPECT_EQ(Get(*transport, ArchiveUrl(*backend, files[0].filename().string()) + "?" + *sas, dir),
            "changed");

  // Marker {container}/m/{lower repo}/{sha} with "{sha}\n".
  EXPECT_TRUE(UploadMarker(*transport, *backend, dir.path()).empty());
  EXPECT_EQ(Get(*transport, account + "/mathlib4-forks/m/alice/mathlib4/abc123?" + *sas, dir),
            "abc123\n");

  // Commit manifest at {base}/c/{sha}; commit (no force) a second time -> already present.
  auto v = UploadCommitManifest(*transport, *backend, "abc123", {3, 1, 3, 2}, dir.path(), false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, transfer::Verdict::kDelivered);
  EXPECT_EQ(Get(*transport, account + "/mathlib4-forks/c/abc123?" + *sas, dir), "1\n2\n3\n");
  v = UploadCommitManifest(*transport, *backend, "abc123", {4}, dir.path(), false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, transfer::Verdict::kAlreadyPresent);
  v = UploadCommitManifest(*transport, *backend, "abc123", {4}, dir.path(), true);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(Get(*transport, account + "/mathlib4-forks/c/abc123?" + *sas, dir), "4\n");
  // No temp files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_THAT(e.path().filename().string(), Not(HasSubstr(".upload.")));
  }

  // A tampered SAS: 403, counted as failed, the signature never shown.
  std::string bad_sas = *sas;
  auto sig = bad_sas.find("sig=");
  ASSERT_NE(sig, std::string::npos);
  bad_sas.replace(sig + 4, 6, "AAAAAA");
  env["MATHLIB_CACHE_SAS"] = bad_sas;
  auto bad = SelectBackend(env, options);
  ASSERT_TRUE(bad.ok());
  WriteFile(files[1].parent_path() / "00000000000000ff.ltar", "new");
  UploadSummary refused =
      UploadArchives(*transport, *bad, {files[1].parent_path() / "00000000000000ff.ltar"}, false);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.totals.failed, 1u);
  ASSERT_GE(refused.messages.size(), 3u);
  EXPECT_THAT(refused.messages[1].text, HasSubstr("HTTP 403"));
  EXPECT_THAT(refused.messages[1].text, HasSubstr("MATHLIB_CACHE_SAS"));
  EXPECT_EQ(refused.messages.back(), sources::Stderr("Uploading 1 file(s) failed"));
  ExpectNoSecret(refused.messages, bad_sas.substr(sig));
  ExpectNoSecret(refused.messages, sas->substr(sas->find("sig=")));
  auto marker = UploadMarker(*transport, *bad, dir.path());
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_THAT(marker[0].text, HasSubstr("warning: marker upload to " + account +
                                        "/mathlib4-forks/m/alice/mathlib4/abc123 failed: "));
  ExpectNoSecret(marker, bad_sas.substr(sig));
  auto manifest = UploadCommitManifest(*transport, *bad, "abc123", {1}, dir.path(), true);
  ASSERT_FALSE(manifest.ok());
  EXPECT_THAT(std::string(manifest.status().message()), Not(HasSubstr(bad_sas.substr(sig))));
}

TEST_F(AzuriteTest, BearerTokenOverHttps) {
  TempDir dir;
  auto cert_dir = dir.path() / "tls";
  ASSERT_TRUE(RunLib("azurite.sh", absl::StrCat("azurite_make_cert '", cert_dir.string(), "'")).ok());
  auto peer = Peer::Start("azurite.sh", "azurite_exec",
                          {"{PORT}", (cert_dir / "cert.pem").string(), (cert_dir / "key.pem").string()}, {},
                          80);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::printf("azurite (https+oauth) ready in %.2f s\n", (*peer)->startup_seconds());
  std::string account = absl::StrCat("https://127.0.0.1:", (*peer)->port(), "/devstoreaccount1");
  auto token = RunLib("azurite.sh", "azurite_bearer_token");
  ASSERT_TRUE(token.ok());
  auto transport = MakeTransport((cert_dir / "cert.pem").string());
  ASSERT_EQ(CreateContainer(*transport, account, "cache", "", *token, dir).http_status, 201);

  sources::Env env = {{"MATHLIB_CACHE_AZURE_BEARER_TOKEN", *token},
                      {"MATHLIB_CACHE_PUT_URL", account + "/cache"}};
  auto backend = SelectBackend(env, {});
  ASSERT_TRUE(backend.ok()) << backend.status();
  auto files = MakeArchives(dir, 2);
  UploadSummary first = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.totals.uploaded, 2u);
  EXPECT_EQ(first.messages[0],
            sources::Stdout("Attempting to upload 2 file(s) to leanprover-community/mathlib4 "
                            "cache (container: (env override))"));
  transfer::Auth auth;
  auth.bearer_token = *token;
  std::vector<std::string> headers = {"x-ms-version: 2021-08-06",
                                      "x-ms-date: " + HttpDate(std::chrono::system_clock::now())};
  EXPECT_EQ(Get(*transport, account + "/cache/f/" + files[1].filename().string(), dir, headers, auth),
            ReadFile(files[1]));
  UploadSummary second = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(second.ok());
  EXPECT_EQ(second.totals.already_present, 2u);

  // A token for the wrong audience is refused; the token never appears in the messages.
  auto bad_token = RunLib("azurite.sh",
                          "b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }; "
                          "printf '%s.%s.sig' \"$(printf '{\"alg\":\"none\"}' | b64url)\" "
                          "\"$(printf '{\"aud\":\"https://evil.example\",\"iss\":\"https://sts.windows.net/x/\"}' | b64url)\"");
  ASSERT_TRUE(bad_token.ok());
  env["MATHLIB_CACHE_AZURE_BEARER_TOKEN"] = *bad_token;
  auto bad = SelectBackend(env, {});
  ASSERT_TRUE(bad.ok());
  UploadSummary refused = UploadArchives(*transport, *bad, files, true);
  EXPECT_EQ(refused.totals.failed, 2u);
  ExpectNoSecret(refused.messages, *bad_token);
  ExpectNoSecret(refused.messages, bad_token->substr(0, 20));
}

// azurite.sh skips (exit 77, with a message) only when npm is absent and nothing is installed.
TEST(AzuriteLib, SkipsCleanlyWithoutNpm) {
  TempDir dir;
  auto out = RunLib("azurite.sh",
                    absl::StrCat("AZURITE_HOME='", (dir.path() / "none").string(),
                                 "' PATH=/nonexistent azurite_install 2>&1; echo \"rc=$?\""));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, HasSubstr("npm is not installed"));
  EXPECT_THAT(*out, HasSubstr("rc=77"));
}

}  // namespace
}  // namespace leancache::upload
