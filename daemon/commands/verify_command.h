#pragma once
// `leancache verify` (placeholder until implemented).

#include "daemon/service/daemon_state.h"
#include "daemon/service/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunVerify(const service::DaemonState& state, const v1::CommandRequest& request,
             service::EventSink& sink);

}  // namespace leancache::commands
