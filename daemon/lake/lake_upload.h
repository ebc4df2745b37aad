// Uploading to an S3-compatible Lake cache the way Lake does (spec lake-native-cache-2026.md
// §3.6): SigV4 PUTs (region `auto`, "aws:amz:auto:s3", key "<access>:<secret>" from
// LAKE_CACHE_KEY), artifacts in parallel with Content-Type application/vnd.reservoir.artifact
// (200 or 201 is success, each distinct hash once), then the mapping file byte-for-byte with
// application/vnd.reservoir.outputs+json-lines, which must be answered 200 exactly. URLs in
// messages are redacted; the key never appears.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "daemon/lake/lake_context.h"
#include "daemon/transfer/transport.h"

namespace leancache::lake {

struct UploadFile {
  std::filesystem::path path;
  std::string url;
  std::string label;  // "<hash16>.<ext>" for messages
};

// SigV4 credentials from "<access>:<secret>". Errors: no ':' in the key.
absl::StatusOr<transfer::Auth> LakeKeyAuth(const std::string& key);

// PUTs every file through `session` (the request's proxy/CA route; null: direct); returns one
// "<label>: why" line per failure (empty: all stored).
std::vector<std::string> UploadArtifacts(transfer::Transport& transport, const transfer::Auth& auth,
                                         const std::shared_ptr<transfer::Session>& session,
                                         const std::vector<UploadFile>& files);

// PUTs the mapping file through `session`; only HTTP 200 is success ("failed to upload
// mappings, error N").
absl::Status UploadMappings(transfer::Transport& transport, const transfer::Auth& auth,
                            const std::shared_ptr<transfer::Session>& session,
                            const std::filesystem::path& file, const std::string& url);

}  // namespace leancache::lake
