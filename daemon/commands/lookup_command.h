#pragma once
// `leancache lookup [ARGS]`: for each root module (default: Mathlib) print
// `Module: CACHEDIR/hash16.ltar` followed by the archive's comments as `  comment: ...` lines,
// as the original does. Modules without a key, and archives that are not in CACHEDIR, are
// reported and make the exit code 1.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunLookup(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink);

}  // namespace leancache::commands
