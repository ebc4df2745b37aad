#pragma once
// The shared-cache blob RPCs of the system daemon (placeholder until implemented).

#include <grpcpp/grpcpp.h>

#include "daemon/service/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::shared {

grpc::Status StatBlob(const service::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, v1::BlobInfo* reply);
grpc::Status ReadBlob(const service::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, grpc::ServerWriter<v1::BlobChunk>* writer);
grpc::Status WriteBlob(const service::DaemonState& state, grpc::ServerContext* context,
                       grpc::ServerReader<v1::BlobChunk>* reader, v1::WriteBlobReply* reply);

}  // namespace leancache::shared
