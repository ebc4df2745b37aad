// Downloading Lake artifacts into a LakeBlobStore over the daemon's transport: parallel (the
// transport's bounds), retried, single flight per blob across requests (FetchGroup key
// "lake:<store dir>/<hash16>"), every body verified by Lake's hash and recorded with SHA-256
// (LakeBlobStore::Adopt). A hash wanted under several extensions is downloaded once and copied.
// One bad artifact fails that artifact only; the report lists each failure by name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/lake/artifact_name.h"
#include "common/lake/remote_urls.h"
#include "daemon/core/network.h"
#include "daemon/lake/lake_context.h"
#include "daemon/lakestore/lake_blob_store.h"

namespace leancache::lake {

struct FetchReport {
  size_t present = 0;     // already in the store (verified record or file)
  size_t downloaded = 0;  // artifacts (name+ext) that arrived now
  size_t failed = 0;
  uint64_t bytes = 0;     // body bytes downloaded
  std::vector<std::string> errors;  // "<hash16>.<ext>: why" (no secrets)
};

struct FetchOptions {
  bool force = false;                   // download even when present
  std::string user;                     // recorded on every blob (the project root)
  std::function<bool()> cancelled;      // polled while waiting
  std::function<void(const FetchReport&, size_t total)> progress;  // called now and then
};

// The URL of one artifact at `service` under `scope` (S3 or Reservoir layout).
std::string ArtifactUrl(const Service& service, const RemoteScope& scope, uint64_t hash);

// Fetches every artifact of `wanted` missing from `store`, single flight through `network.fetches`.
FetchReport FetchArtifacts(const core::Network& network, lakestore::LakeBlobStore& store,
                           const Service& service, const RemoteScope& scope,
                           const std::vector<ArtifactName>& wanted, const FetchOptions& options);

// Copies a verified local file into `store` as (hash, ext) through Adopt (verifies again).
absl::StatusOr<lakestore::LakeBlobInfo> CopyIntoStore(lakestore::LakeBlobStore& store, uint64_t hash,
                                                      std::string_view ext, const std::filesystem::path& from,
                                                      std::string_view user);

}  // namespace leancache::lake
