#pragma once
// Size accounting and deletion for the output store (output_store.h). Deleting an entry renames
// it into tmp/ first, so a reader never sees half an entry under objects/, then removes it.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/outstore/output_store.h"

namespace leancache::outstore {

struct StoreUsage {
  uint64_t entries = 0;
  uint64_t bytes = 0;  // sum of the entries' recorded sizes
};

// Counts the complete entries (one small read per entry). Errors: objects/ cannot be read.
absl::StatusOr<StoreUsage> CountUsage(OutputStore& store);

// Removes the entry `sha_hex` if present; returns its bytes (0 if absent).
absl::StatusOr<uint64_t> RemoveEntry(OutputStore& store, const std::string& sha_hex);

struct PruneReport {
  uint64_t entries = 0;  // removed
  uint64_t bytes = 0;    // removed
  StoreUsage left;
};

// Removes every entry for which `drop(sha_hex)` is true, then least recently used entries
// (directory mtime, see OutputStore::Find) until at most `target_bytes` are left
// (UINT64_MAX: no size target). Also runs SweepTemps. Errors: objects/ cannot be read.
absl::StatusOr<PruneReport> Prune(OutputStore& store, const std::function<bool(const std::string&)>& drop,
                                  uint64_t target_bytes);

// Removes directories in tmp/ left by processes that are no longer running (or older than a
// day). Returns how many were removed.
size_t SweepTemps(OutputStore& store);

}  // namespace leancache::outstore
