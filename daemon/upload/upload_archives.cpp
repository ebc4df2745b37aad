#include "daemon/upload/upload_archives.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace leancache::upload {
namespace {

// A hint appended to failures whose status means the credentials were refused.
std::string AuthHint(const Backend& backend, long status) {
  if (status != 401 && status != 403) return "";
  switch (backend.kind) {
    case BackendKind::kAzure:
      return " (the server refused the credentials: check MATHLIB_CACHE_AZURE_BEARER_TOKEN / "
             "MATHLIB_CACHE_SAS)";
    case BackendKind::kS3:
      return " (the server refused the SigV4 signature: check MATHLIB_CACHE_S3_ACCESS_KEY_ID, "
             "MATHLIB_CACHE_S3_SECRET_ACCESS_KEY, MATHLIB_CACHE_S3_SESSION_TOKEN and "
             "MATHLIB_CACHE_S3_REGION)";
    case BackendKind::kHttp:
      return " (the server refused the upload: check MATHLIB_CACHE_PUT_BEARER_TOKEN)";
  }
  return "";
}

std::string FailureLine(const Backend& backend, const transfer::Result& r) {
  std::string why = r.error.empty() ? absl::StrCat("verdict ", transfer::VerdictName(r.verdict))
                                    : r.error;
  return absl::StrCat(why, AuthHint(backend, r.http_status));
}

// Writes `content` to a fresh file in `dir`; the path is returned. RAII removal is the caller's.
absl::StatusOr<std::filesystem::path> WriteTemp(const std::filesystem::path& dir,
                                                std::string_view stem, std::string_view content) {
  static std::atomic<std::uint64_t> counter{0};
  std::filesystem::path path =
      dir / absl::StrCat(".", std::string(stem), ".upload.", ::getpid(), ".", counter++);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create ", path.string(), ": ",
                                            std::strerror(errno)));
  }
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return absl::InternalError(absl::StrCat("cannot write ", path.string(), ": ",
                                              std::strerror(err)));
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(path.c_str());
    return absl::InternalError(absl::StrCat("cannot close ", path.string()));
  }
  return path;
}

struct TempFile {
  std::filesystem::path path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

UploadSummary UploadArchives(transfer::Transport& transport, const Backend& backend,
                             const std::vector<std::filesystem::path>& files, bool force,
                             const UploadProgressFn& progress,
                             const std::function<bool()>& cancelled) {
  UploadSummary summary;
  if (files.empty()) {
    summary.messages.push_back(sources::Stdout("No files to upload"));
    return summary;
  }
  summary.messages.push_back(sources::Stdout(
      absl::StrCat("Attempting to upload ", files.size(), " file(s) to ", backend.repo,
                   " cache (container: ", backend.container_label, ")")));

  std::mutex mu;
  std::condition_variable cv;
  UploadProgress totals;
  totals.total = files.size();
  std::vector<std::string> failures;
  std::vector<transfer::TransferId> ids;
  ids.reserve(files.size());

  for (const auto& file : files) {
    std::string name = file.filename().string();
    std::string url = ArchiveUrl(backend, name);
    transfer::PutRequest req = MakePutRequest(backend, url, file.string(), /*if_none_match=*/!force);
    ids.push_back(transport.SubmitPut(std::move(req), [&](const transfer::Result& r) {
      std::lock_guard<std::mutex> lock(mu);
      ++totals.done;
      switch (r.verdict) {
        case transfer::Verdict::kDelivered:
          ++totals.uploaded;
          totals.bytes_sent += r.bytes;
          break;
        case transfer::Verdict::kAlreadyPresent:
          ++totals.already_present;
          break;
        default:
          ++totals.failed;
          failures.push_back(FailureLine(backend, r));
          break;
      }
      if (progress) progress(totals);
      cv.notify_all();
    }));
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    bool cancel_sent = false;
    while (totals.done != totals.total) {
      if (!cancelled || cancel_sent) {
        cv.wait(lock, [&] { return totals.done == totals.total; });
        break;
      }
      cv.wait_for(lock, std::chrono::milliseconds(100));
      if (totals.done != totals.total && cancelled()) {
        cancel_sent = true;
        lock.unlock();
        for (auto id : ids) transport.Cancel(id);
        lock.lock();
      }
    }
  }
  summary.totals = totals;
  for (auto& f : failures) summary.messages.push_back(sources::Stderr(std::move(f)));
  if (totals.failed > 0) {
    summary.messages.push_back(
        sources::Stderr(absl::StrCat("Uploading ", totals.failed, " file(s) failed")));
  }
  return summary;
}

std::string CommitManifestText(std::vector<std::uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::string out;
  for (auto h : hashes) absl::StrAppend(&out, h, "\n");
  return out;
}

absl::StatusOr<transfer::Verdict> UploadCommitManifest(transfer::Transport& transport,
                                                       const Backend& backend,
                                                       std::string_view sha,
                                                       const std::vector<std::uint64_t>& hashes,
                                                       const std::filesystem::path& temp_dir,
                                                       bool force) {
  auto path = WriteTemp(temp_dir, sha, CommitManifestText(hashes));
  if (!path.ok()) return path.status();
  TempFile guard{*path};
  std::string url = CommitManifestUrl(backend, sha);
  auto pending = transport.StartPut(MakePutRequest(backend, url, path->string(), !force));
  transfer::Result r = pending.result.get();
  if (r.verdict == transfer::Verdict::kDelivered ||
      r.verdict == transfer::Verdict::kAlreadyPresent) {
    return r.verdict;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("commit manifest upload to ", url, " failed: ", FailureLine(backend, r)));
}

sources::Messages UploadMarker(transfer::Transport& transport, const Backend& backend,
                               const std::filesystem::path& temp_dir) {
  if (!backend.scope) return {};
  auto url = MarkerUrlFor(backend, *backend.scope);
  if (!url) return {};
  auto path = WriteTemp(temp_dir, *backend.scope, absl::StrCat(*backend.scope, "\n"));
  if (!path.ok()) {
    return {sources::Stderr(absl::StrCat("warning: marker upload to ", *url, " failed: ",
                                         path.status().message()))};
  }
  TempFile guard{*path};
  auto pending = transport.StartPut(MakePutRequest(backend, *url, path->string(), false));
  transfer::Result r = pending.result.get();
  if (r.verdict == transfer::Verdict::kDelivered) return {};
  return {sources::Stderr(
      absl::StrCat("warning: marker upload to ", *url, " failed: ", FailureLine(backend, r)))};
}

}  // namespace leancache::upload
