#pragma once
// `leancache stats [--json] [--zero]` (issue 7.3): the last run of each command family (get,
// put) and the lifetime sums — hits, misses, archives and bytes downloaded, bytes unpacked,
// evictions, time, errors by kind — as recorded in the index by daemon/stats, plus the current
// size of the request's CACHEDIR against its cap. --zero shows the numbers, then deletes them.
// --json prints {"lifetime", "last": {family: ...}, "cache": {...}, "zeroed"}.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunStats(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink);

}  // namespace leancache::commands
