#pragma once
// [output store] `clean`, `gc` and the size cap account for the machine's output store
// (daemon/outstore): entries whose archive is no longer in CACHEDIR are dropped, and under a
// cap the store gets only what the archives leave free, least recently used entries first.
// Entries are derived data (a later get rebuilds any of them from its archive), so pruning is
// always safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/outstore/store_prune.h"

namespace leancache::index {
class Index;
}
namespace leancache::sources {
struct Config;
}

namespace leancache::evict {

// Prunes the store the request's settings name (nothing when it is off or was never created):
// every entry whose SHA-256 is not that of an archive indexed in `cache_dir`, then LRU entries
// until at most `room_bytes` remain (UINT64_MAX: no size limit). nullopt when there is no store.
// Errors: a bad setting, an unreadable store or index.
absl::StatusOr<std::optional<outstore::PruneReport>> PruneOutputStore(
    index::Index& index, const sources::Config& config, const std::map<std::string, std::string>& env,
    const std::string& cache_dir, uint64_t room_bytes);

// "; output store: removed N entr(y/ies) (SIZE), N left (SIZE)" for a report, "" for none.
std::string OutputStoreNote(const std::optional<outstore::PruneReport>& report);

}  // namespace leancache::evict
