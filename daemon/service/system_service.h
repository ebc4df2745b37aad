#pragma once
// The gRPC service of a system daemon (`leancached --system`). Its socket is open to every local
// user, so it serves only what is safe for them: the blob RPCs (authorized per call by
// SO_PEERCRED and the multiuser::TrustPolicy) and Status. Shutdown is honoured for root and the daemon's own
// uid only; every other RPC (get, put, clean, ...) is UNIMPLEMENTED here: those run in each
// user's own daemon, never with the system daemon's privileges.

#include "daemon/service/cache_service.h"
#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

class SystemService final : public v1::Cache::Service {
 public:
  // `state` and `full` (for Status) must outlive the service.
  SystemService(core::DaemonState* state, service::CacheService* full) : state_(state), full_(full) {}

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusReply* reply) override;
  grpc::Status Shutdown(grpc::ServerContext* context, const v1::ShutdownRequest* request,
                        v1::ShutdownReply* reply) override;
  grpc::Status StatBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                        v1::BlobInfo* reply) override;
  grpc::Status ReadBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                        grpc::ServerWriter<v1::BlobChunk>* writer) override;
  grpc::Status WriteBlob(grpc::ServerContext* context, grpc::ServerReader<v1::BlobChunk>* reader,
                         v1::WriteBlobReply* reply) override;

 private:
  core::DaemonState* state_;
  service::CacheService* full_;
};

}  // namespace leancache::service
