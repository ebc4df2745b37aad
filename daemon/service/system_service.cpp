#include "daemon/service/system_service.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/core/peer_registry.h"
#include "daemon/service/blob_service.h"
#include "spdlog/spdlog.h"

namespace leancache::service {

grpc::Status SystemService::Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                                   v1::StatusReply* reply) {
  return full_->Status(context, request, reply);
}

grpc::Status SystemService::Shutdown(grpc::ServerContext* context, const v1::ShutdownRequest* request,
                                     v1::ShutdownReply* reply) {
  core::PeerRegistry* peers = state_->sessions.peers;
  auto creds = peers == nullptr ? std::nullopt : peers->Lookup(context->peer());
  if (!creds || (creds->uid != 0 && creds->uid != ::getuid())) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "only root may stop the system leancached (use `systemctl stop leancached`)");
  }
  spdlog::info("shutdown requested by uid {}", creds->uid);
  return full_->Shutdown(context, request, reply);
}

grpc::Status SystemService::StatBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                                     v1::BlobInfo* reply) {
  core::ActivityTracker::Scope scope(state_->sessions.activity);
  return service::StatBlob(*state_, context, *request, reply);
}

grpc::Status SystemService::ReadBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                                     grpc::ServerWriter<v1::BlobChunk>* writer) {
  core::ActivityTracker::Scope scope(state_->sessions.activity);
  return service::ReadBlob(*state_, context, *request, writer);
}

grpc::Status SystemService::WriteBlob(grpc::ServerContext* context,
                                      grpc::ServerReader<v1::BlobChunk>* reader,
                                      v1::WriteBlobReply* reply) {
  core::ActivityTracker::Scope scope(state_->sessions.activity);
  return service::WriteBlob(*state_, context, reader, reply);
}

}  // namespace leancache::service
