#include "daemon/service/editor_service.h"

#include "daemon/editor/file_status.h"
#include "daemon/service/prefetch_service.h"
#include "daemon/service/watch_service.h"
#include "spdlog/spdlog.h"

namespace leancache::service {

grpc::Status FileStatus(const core::DaemonState& state, grpc::ServerContext*,
                        const v1::FileStatusRequest& request, v1::FileStatusReply* reply) {
  auto result = editor::ComputeFileStatus(state.local, state.network, request);
  if (!result.ok()) {
    spdlog::debug("FileStatus in {}: {}", request.invocation().project_root(), result.status().ToString());
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(result.status().message()));
  }
  *reply = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status Watch(const core::DaemonState& state, grpc::ServerContext* context,
                   const v1::WatchRequest& request, grpc::ServerWriter<v1::WatchEvent>* writer) {
  return RunWatch(state, context, request, writer);
}

grpc::Status Prefetch(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::PrefetchRequest& request, grpc::ServerWriter<v1::Event>* writer) {
  return RunPrefetch(state, context, request, writer);
}

}  // namespace leancache::service
