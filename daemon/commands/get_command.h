#pragma once
// `get`, `get!`, `get-` [ARGS] and `unpack`, `unpack!`: the command word selects the flags
// (spec §5.1: get! forces download and unpack; get- never unpacks), then the get job runs.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunGet(const core::DaemonState& state, const v1::CommandRequest& request,
            core::EventSink& sink);
void RunUnpack(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink);

}  // namespace leancache::commands
