#pragma once
// Sending archives, the commit manifest and the per-commit marker to the chosen backend through
// the daemon's Transport (spec mathlib-cache.md §7.1 verdicts and messages, §8 manifest).
// Nothing here prints: user-visible lines are returned as sources::Messages, in order.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/sources/message.h"
#include "daemon/transfer/transport.h"
#include "daemon/upload/backend.h"

namespace leancache::upload {

// Running totals of one upload, passed to the progress callback after every finished file.
struct UploadProgress {
  std::uint64_t total = 0;            // files to send
  std::uint64_t done = 0;             // finished (any verdict)
  std::uint64_t uploaded = 0;         // stored by the server (200/201/204)
  std::uint64_t already_present = 0;  // 409/412 without force
  std::uint64_t failed = 0;
  std::uint64_t bytes_sent = 0;       // body bytes of finished uploads
};

// Called on the transport's network thread; must be quick.
using UploadProgressFn = std::function<void(const UploadProgress&)>;

struct UploadSummary {
  UploadProgress totals;
  // Stdout: "Attempting to upload {n} file(s) to {repo} cache (container: {label})" or
  // "No files to upload"; stderr: "Transfer failed for {url}: {why}" per failure, then
  // "Uploading {n} file(s) failed". No secrets (URLs are shown without query strings).
  sources::Messages messages;
  bool ok() const { return totals.failed == 0; }  // false -> the command exits 1
};

// Uploads every file of `files` (absolute paths of "<hash16>.ltar" archives; the object name is
// the file's base name) to ArchiveUrl(backend, name), all in parallel through `transport`.
// Without `force`, If-None-Match: * is sent and 409/412 count as already present; with `force`
// they are failures and objects are overwritten. Blocks until every PUT has finished.
// `cancelled` (optional) is polled every 100 ms while waiting; once it returns true the
// remaining PUTs are cancelled (each counts as failed).
// Errors: none beyond per-file failures, which are counted in the summary (exit 1 when any).
UploadSummary UploadArchives(transfer::Transport& transport, const Backend& backend,
                             const std::vector<std::filesystem::path>& files, bool force,
                             const UploadProgressFn& progress = {},
                             const std::function<bool()>& cancelled = {});

// §8 manifest content: the distinct `hashes`, sorted ascending as unsigned 64-bit, in decimal,
// each followed by '\n'.
std::string CommitManifestText(std::vector<std::uint64_t> hashes);

// Writes CommitManifestText(hashes) to `temp_dir/{sha}.manifest.{pid}` (deleted afterwards) and
// PUTs it to CommitManifestUrl(backend, sha), with If-None-Match: * unless `force` (`commit!`).
// Returns the transfer result (kAlreadyPresent when the manifest exists and !force).
// Errors: Internal when the temp file cannot be written; FailedPrecondition naming the (secret-
// free) URL when the PUT fails.
absl::StatusOr<transfer::Verdict> UploadCommitManifest(transfer::Transport& transport,
                                                       const Backend& backend,
                                                       std::string_view sha,
                                                       const std::vector<std::uint64_t>& hashes,
                                                       const std::filesystem::path& temp_dir,
                                                       bool force);

// §7.1 marker: after put/put-staged, when the backend has a container (--container given) and a
// scope, PUTs "{scope}\n" to "{container URL}/m/{lower repo}/{scope}" without If-None-Match.
// Returns the messages to show: nothing on success or when no marker applies, else one stderr
// line "warning: marker upload to {url} failed: {why}" (a failure never fails the command).
sources::Messages UploadMarker(transfer::Transport& transport, const Backend& backend,
                               const std::filesystem::path& temp_dir);

}  // namespace leancache::upload
