// `leancache lake clean` (deletes Lake's whole cache directory and its index records, as
// `lake cache clean`), `services` (the configured service names, one per line, default ones
// marked), and our own `gc [--max-size=SIZE]` (drops records of vanished artifacts, then evicts
// Lake artifacts down to the cap, linked ones last; see lake_evict.h).
#pragma once

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

void RunClean(const core::DaemonState& state, const v1::CommandRequest& request, core::EventSink& sink);
void RunServices(const core::DaemonState& state, const v1::CommandRequest& request, core::EventSink& sink);
void RunGc(const core::DaemonState& state, const v1::CommandRequest& request, core::EventSink& sink);

}  // namespace leancache::lake
