#pragma once
// Prefetch: download and unpack the import closure of the modules (or .lean files) an editor
// just opened, so it can start elaborating without building the imports.
//
// What runs is exactly `get MODULES` (project::ComputeProjectKeys + get::RunGetJob: same source
// chain, single-flight downloads, unpacking, messages, progress and Done), with two changes:
//  * the roots themselves are not fetched (the editor elaborates the open file from source), and
//  * the closure is fetched leaves first (see prefetch_order.h): transfers are queued in that
//    order, so the archives everything else depends on arrive first and any prefix of arrivals
//    is import-closed.
// Concurrent prefetches run one at a time, highest priority first (prefetch_scheduler.h); a
// waiting prefetch says so in a message line. Cancelling the call (client gone or TryCancel)
// leaves the queue or stops the transfers in flight; the stream then ends with Done(130).

#include <grpcpp/grpcpp.h>

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

// Runs one Prefetch RPC; always ends the stream with Done unless the client is gone.
grpc::Status RunPrefetch(const core::DaemonState& state, grpc::ServerContext* context,
                         const v1::PrefetchRequest& request, grpc::ServerWriter<v1::Event>* writer);

}  // namespace leancache::service
