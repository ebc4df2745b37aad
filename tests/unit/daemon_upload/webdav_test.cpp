// Plain HTTP PUT uploads to nginx with WebDAV (tests/integration/lib/nginx.sh): open and
// bearer-gated endpoints, the emulated If-None-Match conflict, the commit manifest.
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

constexpr char kToken[] = "webdavWriteToken42";

std::unique_ptr<transfer::Transport> MakeTransport() {
  transfer::TransportOptions o;
  o.retry.initial_backoff = std::chrono::milliseconds(20);
  o.retry.max_attempts = 2;
  auto t = transfer::Transport::Create(o);
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(*t);
}

std::vector<std::filesystem::path> MakeArchives(const TempDir& dir, int n) {
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < n; ++i) {
    auto p = dir.path() / "cache" / absl::StrCat("fedcba987654321", i, ".ltar");
    std::string content;
    for (int k = 0; k < 3000 + 10 * i; ++k) content.push_back(static_cast<char>((k * 31 + i) & 0xff));
    WriteFile(p, content);
    files.push_back(p);
  }
  return files;
}

TEST(WebDavUpload, OpenEndpoint) {
  TempDir dir;
  auto root = dir.path() / "root";
  auto peer = Peer::Start("nginx.sh", "nginx_exec",
                          {root.string(), (dir.path() / "nginx").string(), "{PORT}"}, {}, 20);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::printf("nginx ready in %.3f s\n", (*peer)->startup_seconds());
  std::string put_url = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/cache/");
  auto backend = SelectBackend({{"MATHLIB_CACHE_PUT_URL", put_url}}, {});
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ(backend->kind, BackendKind::kHttp);
  auto transport = MakeTransport();
  auto files = MakeArchives(dir, 5);
  UploadSummary s = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(s.ok()) << (s.messages.size() > 1 ? s.messages[1].text : "");
  EXPECT_EQ(s.totals.uploaded, 5u);
  std::uint64_t total_bytes = 0;
  for (const auto& f : files) {
    EXPECT_EQ(ReadFile(root / "cache/f" / f.filename()), ReadFile(f));
    total_bytes += std::filesystem::file_size(f);
  }
  EXPECT_EQ(s.totals.bytes_sent, total_bytes);
  // nginx.sh emulates If-None-Match: * (412) -> already present.
  s = UploadArchives(*transport, *backend, files, false);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.totals.already_present, 5u);
  // put! overwrites.
  WriteFile(files[4], "v2");
  s = UploadArchives(*transport, *backend, files, true);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.totals.uploaded, 5u);
  EXPECT_EQ(ReadFile(root / "cache/f" / files[4].filename()), "v2");
  // Commit manifest at {PUT_URL}/c/{sha}.
  auto v = UploadCommitManifest(*transport, *backend, "feed", {2, 1}, dir.path(), false);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(ReadFile(root / "cache/c/feed"), "1\n2\n");
  // A missing source file is a per-file failure, not a crash.
  s = UploadArchives(*transport, *backend, {dir.path() / "nope/0000000000000000.ltar"}, false);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.messages.back(), sources::Stderr("Uploading 1 file(s) failed"));
}

TEST(WebDavUpload, BearerGatedEndpoint) {
  TempDir dir;
  auto root = dir.path() / "root";
  auto peer = Peer::Start("nginx.sh", "nginx_exec",
                          {root.string(), (dir.path() / "nginx").string(), "{PORT}", kToken}, {},
                          20);
  ASSERT_TRUE(peer.ok()) << peer.status();
  std::string put_url = absl::StrCat("http://127.0.0.1:", (*peer)->port(), "/up");
  auto transport = MakeTransport();
  auto files = MakeArchives(dir, 2);
  UploadOptions fork;
  fork.repo = "bob/mathlib4";
  fork.scope = "cafe";
  auto no_token = SelectBackend({{"MATHLIB_CACHE_PUT_URL", put_url}}, fork);
  ASSERT_TRUE(no_token.ok());
  UploadSummary s = UploadArchives(*transport, *no_token, files, false);
  EXPECT_EQ(s.totals.failed, 2u);
  EXPECT_THAT(s.messages[1].text, HasSubstr("HTTP 401"));
  auto wrong = SelectBackend(
      {{"MATHLIB_CACHE_PUT_URL", put_url}, {"MATHLIB_CACHE_PUT_BEARER_TOKEN", "wrong-token-77"}},
      fork);
  ASSERT_TRUE(wrong.ok());
  s = UploadArchives(*transport, *wrong, files, false);
  EXPECT_EQ(s.totals.failed, 2u);
  for (const auto& m : s.messages) EXPECT_THAT(m.text, Not(HasSubstr("wrong-token-77")));
  auto with = SelectBackend(
      {{"MATHLIB_CACHE_PUT_URL", put_url}, {"MATHLIB_CACHE_PUT_BEARER_TOKEN", kToken}}, fork);
  ASSERT_TRUE(with.ok());
  s = UploadArchives(*transport, *with, files, false);
  EXPECT_TRUE(s.ok());
  for (const auto& f : files) {
    EXPECT_EQ(ReadFile(root / "up/f/bob/mathlib4/cafe" / f.filename()), ReadFile(f));
  }
}

}  // namespace
}  // namespace leancache::upload
