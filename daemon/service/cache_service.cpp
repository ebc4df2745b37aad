#include "daemon/service/cache_service.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/index/index.h"
#include "daemon/service/blob_service.h"
#include "daemon/service/command_table.h"
#include "daemon/service/editor_service.h"
#include "daemon/service/grpc_event_sink.h"
#include "spdlog/spdlog.h"

namespace leancache::service {
namespace {

// Runs one streaming command. The command ends the stream with Done; a client that went away
// gets CANCELLED.
grpc::Status RunCommand(const core::DaemonState& state, grpc::ServerContext* context,
                        const v1::CommandRequest* request, grpc::ServerWriter<v1::Event>* writer,
                        CommandFn fn) {
  GrpcEventSink sink(context, writer);
  spdlog::debug("{} in {}", request->command(), request->invocation().project_root());
  fn(state, *request, sink);
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client");
  return grpc::Status::OK;
}

}  // namespace

const char* CacheService::Path(const std::string& rpc) {
  rpcs_.push_back(rpc);
  paths_.push_back(std::make_unique<std::string>(absl::StrCat("/", v1::Cache::service_full_name(), "/", rpc)));
  return paths_.back()->c_str();
}

template <class Request, class Reply, class Fn>
void CacheService::AddUnary(const std::string& rpc, Fn fn) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      Path(rpc), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<CacheService, Request, Reply>(
          [fn](CacheService* self, grpc::ServerContext* context, const Request* request, Reply* reply) {
            core::ActivityTracker::Scope scope(self->state_->sessions.activity);
            return fn(*self->state_, context, *request, reply);
          },
          this)));
}

template <class Request, class Reply, class Fn>
void CacheService::AddServerStreaming(const std::string& rpc, Fn fn) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      Path(rpc), grpc::internal::RpcMethod::SERVER_STREAMING,
      new grpc::internal::ServerStreamingHandler<CacheService, Request, Reply>(
          [fn](CacheService* self, grpc::ServerContext* context, const Request* request,
               grpc::ServerWriter<Reply>* writer) {
            core::ActivityTracker::Scope scope(self->state_->sessions.activity);
            return fn(*self->state_, context, *request, writer);
          },
          this)));
}

template <class Request, class Reply, class Fn>
void CacheService::AddClientStreaming(const std::string& rpc, Fn fn) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      Path(rpc), grpc::internal::RpcMethod::CLIENT_STREAMING,
      new grpc::internal::ClientStreamingHandler<CacheService, Request, Reply>(
          [fn](CacheService* self, grpc::ServerContext* context, grpc::ServerReader<Request>* reader,
               Reply* reply) {
            core::ActivityTracker::Scope scope(self->state_->sessions.activity);
            return fn(*self->state_, context, reader, reply);
          },
          this)));
}

CacheService::CacheService(core::DaemonState* state) : state_(state) {
  AddMethod(new grpc::internal::RpcServiceMethod(
      Path("Status"), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<CacheService, v1::StatusRequest, v1::StatusReply>(
          std::mem_fn(&CacheService::Status), this)));
  AddMethod(new grpc::internal::RpcServiceMethod(
      Path("Shutdown"), grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<CacheService, v1::ShutdownRequest, v1::ShutdownReply>(
          std::mem_fn(&CacheService::Shutdown), this)));
  for (const CommandRpc& row : CommandTable()) {
    AddServerStreaming<v1::CommandRequest, v1::Event>(
        row.rpc, [fn = row.run](const core::DaemonState& state, grpc::ServerContext* context,
                                const v1::CommandRequest& request, grpc::ServerWriter<v1::Event>* writer) {
          return RunCommand(state, context, &request, writer, fn);
        });
  }
  AddUnary<v1::FileStatusRequest, v1::FileStatusReply>("FileStatus", &FileStatus);
  AddServerStreaming<v1::WatchRequest, v1::WatchEvent>("Watch", &Watch);
  AddServerStreaming<v1::PrefetchRequest, v1::Event>("Prefetch", &Prefetch);
  AddUnary<v1::BlobRef, v1::BlobInfo>("StatBlob", &StatBlob);
  AddServerStreaming<v1::BlobRef, v1::BlobChunk>("ReadBlob", &ReadBlob);
  AddClientStreaming<v1::BlobChunk, v1::WriteBlobReply>("WriteBlob", &WriteBlob);
}

grpc::Status CacheService::Shutdown(grpc::ServerContext*, const v1::ShutdownRequest*,
                                    v1::ShutdownReply*) {
  state_->sessions.request_shutdown();
  return grpc::Status::OK;
}

grpc::Status CacheService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                  v1::StatusReply* reply) {
  core::ActivityTracker::Scope scope(state_->sessions.activity);
  reply->set_version(LEANCACHE_VERSION);
  reply->set_pid(::getpid());
  reply->set_uptime_seconds(state_->sessions.activity->uptime_seconds());
  reply->set_socket(state_->identity.socket_path);
  reply->set_cache_dir(state_->identity.default_cache_dir.string());
  reply->set_state_dir(state_->identity.state_dir.string());
  reply->set_requests_served(state_->sessions.activity->served());
  reply->set_active_requests(state_->sessions.activity->active() - 1);  // not counting this one
  if (state_->local.index != nullptr) {
    auto stats = state_->local.index->Stats();
    if (stats.ok()) {
      auto* idx = reply->mutable_index();
      idx->set_files(stats->files);
      idx->set_blobs(stats->blobs);
      idx->set_blob_bytes(stats->blob_bytes);
      idx->set_projects(stats->projects);
      idx->set_map_size(stats->map_size);
      idx->set_path(stats->path);
    } else {
      spdlog::warn("index statistics unavailable: {}", stats.status().ToString());
    }
  }
  return grpc::Status::OK;
}

}  // namespace leancache::service
