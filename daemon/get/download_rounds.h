#pragma once
// The download step of a `get`: the missing archives are taken from the shared system cache
// when there is one, then asked of the request's source chain round by round (a round is one
// source; what it does not have goes to the next). One transfer per archive however many
// requests want it; every arrival is parsed as an ltar archive before the blob store adopts it,
// and queued for unpacking at once. Archives a source recently answered "not found" for are
// not asked again (daemon/get/recent_misses.h); an unreachable host fails its transfers at
// once and is reported in one line (daemon/transfer/host_breaker.h).

#include <memory>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/get/get_context.h"
#include "daemon/get/unpack_queue.h"

namespace leancache::get {

struct DownloadOutcome {
  std::vector<const Item*> remaining;  // not downloaded, in the order they were asked for
  std::set<const Item*> last_missed;   // of those: the last source said "not found"
  bool cancelled = false;              // the client went away
};

// Downloads `missing` (offline: reports them as missing and touches no network). Per-archive
// failures are counted and described in ctx.job; an error is returned only when the source
// chain or the transfer session cannot be set up (its message is for the user).
absl::StatusOr<DownloadOutcome> DownloadMissing(const JobContext& ctx, const std::shared_ptr<UnpackQueue>& unpack,
                                                const std::vector<const Item*>& missing);

}  // namespace leancache::get
