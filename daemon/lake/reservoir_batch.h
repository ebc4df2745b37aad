// Reservoir's batch URL lookup (spec lake-native-cache-2026.md §3.5): before downloading, Lake
// asks `POST {api}/packages|repositories/{scope}/artifacts` with the wanted hashes as a JSON array
// of hex strings, and Reservoir answers `{"data": [url, ...]}`, one download URL per hash in the
// same order, or `{"error": {"status": N, "message": "..."}}`. The POST carries Content-Type
// application/json and Lake's two API-version headers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/lake/remote_urls.h"
#include "daemon/lake/lake_context.h"
#include "daemon/transfer/transport.h"

namespace leancache::lake {

// Hashes per POST: one body stays small (~40 KB) however large the mapping is.
inline constexpr size_t kReservoirBatchLimit = 2048;

// The download URL of each of `hashes` (same order), asked of the Reservoir `service` in batches
// of kReservoirBatchLimit; reply bodies pass through temp files in `temp_dir` that are always
// removed. A server without the batch endpoint (404, 405 or 501 to the POST) gets the
// per-artifact URLs `{api}/…/artifacts/<hash>.art` instead. Errors, each naming the URL: the
// POST failed otherwise ("failed to POST …"), a Reservoir error object ("Reservoir error …"), a
// reply that is not JSON, a `data` array of the wrong length ("Incorrect number of results"), or
// an element that is not an http(s) URL.
absl::StatusOr<std::vector<std::string>> ReservoirDownloadUrls(transfer::Transport& transport,
                                                               const Service& service, const RemoteScope& scope,
                                                               const std::vector<uint64_t>& hashes,
                                                               const std::filesystem::path& temp_dir);

// The reply of one batch POST checked against the `expected` number of hashes (the parsing half
// of ReservoirDownloadUrls, for tests). `origin` names the URL in errors.
absl::StatusOr<std::vector<std::string>> ParseReservoirBatchReply(std::string_view body, size_t expected,
                                                                  const std::string& origin);

}  // namespace leancache::lake
