#pragma once
// `leancache hash [ARGS]`: one `Module<TAB>hash16` line per module in scope, sorted by name
// (the client renders the typed result, or a JSON object with --json).

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunHash(const core::DaemonState& state, const v1::CommandRequest& request,
             core::EventSink& sink);

}  // namespace leancache::commands
