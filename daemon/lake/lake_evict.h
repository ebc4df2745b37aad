// Lake artifacts under the daemon's cache size cap (the same cap as the Mathlib archives:
// LEANCACHE_MAX_CACHE_SIZE, else the config's max_cache_size). The index's blob bytes count
// both kinds; when they exceed the cap, Lake blobs of one store are evicted by the bounded
// cache's policy (daemon/evict/eviction_policy.h): blobs no project links go first, least
// recently accessed first; a blob is "linked" when a mapping in the Lake cache's outputs/ names
// it and one of the projects recorded as its users still exists — those go last.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/core/local_cache.h"
#include "daemon/lakestore/lake_blob_store.h"
#include "daemon/sources/config.h"

namespace leancache::lake {

struct LakeEvictReport {
  size_t blobs = 0;
  uint64_t bytes = 0;
  size_t linked = 0;       // evicted although linked (the cap left no other choice)
  uint64_t total_before = 0;
  uint64_t total_after = 0;
};

// Hashes named by the outputs/*/*.json mappings of the Lake cache `cache_dir`.
std::set<uint64_t> LinkedHashes(const std::filesystem::path& cache_dir);

// Evicts Lake blobs of `store` (whose directory is <cache>/artifacts) until the blob bytes of
// `local.index` are at most `cap` (0 = nothing to do).
absl::StatusOr<LakeEvictReport> EvictLakeTo(const core::LocalCache& local, lakestore::LakeBlobStore& store,
                                            uint64_t cap);

// EvictLakeTo with the request's effective cap (`env`'s LEANCACHE_MAX_CACHE_SIZE, else the
// daemon's `config`). Errors: a bad LEANCACHE_MAX_CACHE_SIZE, index errors.
absl::Status EnforceLakeCap(const core::LocalCache& local, const sources::Config& config,
                            lakestore::LakeBlobStore& store, const std::map<std::string, std::string>& env);

}  // namespace leancache::lake
