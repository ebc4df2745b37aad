#pragma once
// `leancache stats` (placeholder until implemented).

#include "daemon/service/daemon_state.h"
#include "daemon/service/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunStats(const service::DaemonState& state, const v1::CommandRequest& request,
             service::EventSink& sink);

}  // namespace leancache::commands
