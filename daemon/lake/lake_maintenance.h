// `leancache lake clean` (deletes Lake's whole cache directory and its index records, as
// `lake cache clean`), `services` (the configured service names, one per line, default ones
// marked), and our own `gc [--max-size=SIZE]` (drops records of vanished artifacts, then evicts
// Lake artifacts down to the cap, linked ones last; see lake_evict.h).
#pragma once

#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// clean and gc keep `local.index` in step with the files; gc's default cap comes from
// `network.config`; services reads only the Lake configuration.
void RunClean(const core::LocalCache& local, const v1::CommandRequest& request, core::EventSink& sink);
void RunServices(const v1::CommandRequest& request, core::EventSink& sink);
void RunGc(const core::LocalCache& local, const core::Network& network, const v1::CommandRequest& request,
           core::EventSink& sink);

}  // namespace leancache::lake
