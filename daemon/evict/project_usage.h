#pragma once
// Which archives of a CACHEDIR registered projects still use: the cross-project safety rule of
// `clean`, shared with `gc`'s eviction ranking. A project "uses" an archive when the archive's
// key is in the project's current key graph, recomputed now through the daemon's memo. The
// projects considered are the users the index recorded for the CACHEDIR's archives; a project
// whose root is no longer a directory uses nothing; one whose keys cannot be computed keeps
// every archive it was recorded as using (with a note saying so).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/local_cache.h"
#include "daemon/index/records.h"

namespace leancache::evict {

struct StillUsed {
  std::set<uint64_t> keys;          // archives some considered project uses
  std::set<std::string> projects;   // project roots that were considered (and still exist)
  std::vector<std::string> notes;   // "note: keeping the archives last used by ..." lines
};

// `local`: whose index memo the keys are computed through. `blobs`: the CACHEDIR's index records.
// `skip_root`: a project the caller accounts for itself (clean's own project; empty for none).
// `env`: the requester's forwarded environment (its LEAN_SRC_PATH is dropped: it belongs to the
// requester's project).
StillUsed KeysStillUsed(const core::LocalCache& local,
                        const std::vector<std::pair<uint64_t, index::BlobRecord>>& blobs,
                        const std::string& skip_root, const std::map<std::string, std::string>& env);

}  // namespace leancache::evict
