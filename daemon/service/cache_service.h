#pragma once
// The gRPC service: validates each request, marks it active, and hands it to the command that
// implements it. One handler per RPC; the commands live in daemon/commands/.

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

class CacheService final : public v1::Cache::Service {
 public:
  explicit CacheService(core::DaemonState* state) : state_(state) {}

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusReply* reply) override;
  grpc::Status Shutdown(grpc::ServerContext* context, const v1::ShutdownRequest* request,
                        v1::ShutdownReply* reply) override;
  grpc::Status Hash(grpc::ServerContext* context, const v1::CommandRequest* request,
                    grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Lookup(grpc::ServerContext* context, const v1::CommandRequest* request,
                      grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Get(grpc::ServerContext* context, const v1::CommandRequest* request,
                   grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Unpack(grpc::ServerContext* context, const v1::CommandRequest* request,
                      grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Clean(grpc::ServerContext* context, const v1::CommandRequest* request,
                     grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Pack(grpc::ServerContext* context, const v1::CommandRequest* request,
                    grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Stage(grpc::ServerContext* context, const v1::CommandRequest* request,
                     grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Put(grpc::ServerContext* context, const v1::CommandRequest* request,
                   grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Commit(grpc::ServerContext* context, const v1::CommandRequest* request,
                      grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Verify(grpc::ServerContext* context, const v1::CommandRequest* request,
                      grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Stats(grpc::ServerContext* context, const v1::CommandRequest* request,
                     grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Gc(grpc::ServerContext* context, const v1::CommandRequest* request,
                  grpc::ServerWriter<v1::Event>* writer) override;
  grpc::Status Lake(grpc::ServerContext* context, const v1::CommandRequest* request,
                    grpc::ServerWriter<v1::Event>* writer) override;

  grpc::Status FileStatus(grpc::ServerContext* context, const v1::FileStatusRequest* request,
                          v1::FileStatusReply* reply) override;
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::WatchEvent>* writer) override;
  grpc::Status Prefetch(grpc::ServerContext* context, const v1::PrefetchRequest* request,
                        grpc::ServerWriter<v1::Event>* writer) override;

  grpc::Status StatBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                        v1::BlobInfo* reply) override;
  grpc::Status ReadBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                        grpc::ServerWriter<v1::BlobChunk>* writer) override;
  grpc::Status WriteBlob(grpc::ServerContext* context, grpc::ServerReader<v1::BlobChunk>* reader,
                         v1::WriteBlobReply* reply) override;

 private:
  core::DaemonState* state_;
};

}  // namespace leancache::service
