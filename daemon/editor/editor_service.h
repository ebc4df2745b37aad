#pragma once
// The editor API: FileStatus, Watch, Prefetch (placeholder until implemented).

#include <grpcpp/grpcpp.h>

#include "daemon/service/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::editor {

grpc::Status FileStatus(const service::DaemonState& state, grpc::ServerContext* context,
                        const v1::FileStatusRequest& request, v1::FileStatusReply* reply);
grpc::Status Watch(const service::DaemonState& state, grpc::ServerContext* context,
                   const v1::WatchRequest& request, grpc::ServerWriter<v1::WatchEvent>* writer);
grpc::Status Prefetch(const service::DaemonState& state, grpc::ServerContext* context,
                      const v1::PrefetchRequest& request, grpc::ServerWriter<v1::Event>* writer);

}  // namespace leancache::editor
