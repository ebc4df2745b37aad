#pragma once
// `leancache gc [--max-size=SIZE] [--json]` (issue 7.4): tidies the request's CACHEDIR and
// brings it under its size cap.
//   1. index records whose archive file is gone are dropped; partial downloads ("*.part") older
//      than an hour are deleted;
//   2. with a cap (--max-size, else LEANCACHE_MAX_CACHE_SIZE, else the config's
//      "max_cache_size"), archives are evicted by the bounded cache's policy until the cache
//      fits: archives pinned by running requests never; archives no registered project uses
//      (clean's rule, daemon/evict/project_usage.h) first, least recently accessed first; then
//      archives projects use, least recently accessed first.
// Prints one summary line (plus clean's notes about projects whose keys cannot be computed);
// --json prints the counts.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunGc(const core::DaemonState& state, const v1::CommandRequest& request,
           core::EventSink& sink);

}  // namespace leancache::commands
