#pragma once
// The editor API on the daemon's socket (dispatched from CacheService):
//  * FileStatus — per file: module, key, archive local, unpacked and current, remote presence
//    (when asked), and the Problem with a reason (file_status.h, file_state.h);
//  * Watch — a stream of state changes and get progress for one project (watch_service.h);
//  * Prefetch — fetch the import closure of opened files, leaves first, by priority,
//    cancellable (prefetch_service.h).

#include <grpcpp/grpcpp.h>

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

// Errors: INVALID_ARGUMENT when the request names no paths or an unusable project (the message
// names the project root or the manifest); per-file problems are in the reply, not errors.
grpc::Status FileStatus(const core::DaemonState& state, grpc::ServerContext* context,
                        const v1::FileStatusRequest& request, v1::FileStatusReply* reply);
// Streams until the client cancels or the daemon shuts down; see watch_service.h.
grpc::Status Watch(const core::DaemonState& state, grpc::ServerContext* context,
                   const v1::WatchRequest& request, grpc::ServerWriter<v1::WatchEvent>* writer);
// Streams get events ending with Done; see prefetch_service.h.
grpc::Status Prefetch(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::PrefetchRequest& request, grpc::ServerWriter<v1::Event>* writer);

}  // namespace leancache::service
