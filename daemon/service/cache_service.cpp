#include "daemon/service/cache_service.h"

#include <unistd.h>

#include "daemon/commands/clean_command.h"
#include "daemon/commands/gc_command.h"
#include "daemon/lake/lake_verbs.h"
#include "daemon/commands/stats_command.h"
#include "daemon/commands/verify_command.h"
#include "daemon/service/editor_service.h"
#include "daemon/service/blob_service.h"
#include "daemon/commands/get_command.h"
#include "daemon/commands/hash_command.h"
#include "daemon/commands/pack_command.h"
#include "daemon/commands/put_command.h"
#include "daemon/commands/stage_command.h"
#include "daemon/commands/lookup_command.h"
#include "daemon/index/index.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/service/grpc_event_sink.h"
#include "spdlog/spdlog.h"

namespace leancache::service {
namespace {

using CommandFn = void (*)(const core::DaemonState&, const v1::CommandRequest&, core::EventSink&);

// Runs one streaming command with activity tracking; any command that forgets to finish gets
// a Done(1) so the client never waits for an exit code that will not come.
grpc::Status RunCommand(core::DaemonState* state, grpc::ServerContext* context,
                        const v1::CommandRequest* request, grpc::ServerWriter<v1::Event>* writer,
                        CommandFn fn) {
  core::ActivityTracker::Scope scope(state->activity);
  GrpcEventSink sink(context, writer);
  spdlog::debug("{} in {}", request->command(), request->invocation().project_root());
  fn(*state, *request, sink);
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client");
  return grpc::Status::OK;
}

}  // namespace

grpc::Status CacheService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                  v1::StatusReply* reply) {
  core::ActivityTracker::Scope scope(state_->activity);
  reply->set_version(LEANCACHE_VERSION);
  reply->set_pid(::getpid());
  reply->set_uptime_seconds(state_->activity->uptime_seconds());
  reply->set_socket(state_->socket_path);
  reply->set_cache_dir(state_->default_cache_dir.string());
  reply->set_state_dir(state_->state_dir.string());
  reply->set_requests_served(state_->activity->served());
  reply->set_active_requests(state_->activity->active() - 1);  // not counting this one
  if (state_->index != nullptr) {
    auto stats = state_->index->Stats();
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

grpc::Status CacheService::Shutdown(grpc::ServerContext*, const v1::ShutdownRequest*,
                                    v1::ShutdownReply*) {
  state_->request_shutdown();
  return grpc::Status::OK;
}

grpc::Status CacheService::Hash(grpc::ServerContext* context, const v1::CommandRequest* request,
                                grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunHash);
}

grpc::Status CacheService::Lookup(grpc::ServerContext* context, const v1::CommandRequest* request,
                                  grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunLookup);
}

grpc::Status CacheService::Get(grpc::ServerContext* context, const v1::CommandRequest* request,
                               grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunGet);
}

grpc::Status CacheService::Unpack(grpc::ServerContext* context, const v1::CommandRequest* request,
                                  grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunUnpack);
}

grpc::Status CacheService::Clean(grpc::ServerContext* context, const v1::CommandRequest* request,
                                 grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunClean);
}

grpc::Status CacheService::Pack(grpc::ServerContext* context, const v1::CommandRequest* request,
                                grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunPack);
}

grpc::Status CacheService::Stage(grpc::ServerContext* context, const v1::CommandRequest* request,
                                 grpc::ServerWriter<v1::Event>* writer) {
  const std::string& word = request->command();
  bool unstage = word == "unstage" || word == "unstage!";
  return RunCommand(state_, context, request, writer, unstage ? &commands::RunUnstage : &commands::RunStage);
}

grpc::Status CacheService::Put(grpc::ServerContext* context, const v1::CommandRequest* request,
                               grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunPut);
}

grpc::Status CacheService::Commit(grpc::ServerContext* context, const v1::CommandRequest* request,
                                  grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunCommit);
}

grpc::Status CacheService::Verify(grpc::ServerContext* context, const v1::CommandRequest* request,
                                  grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunVerify);
}

grpc::Status CacheService::Stats(grpc::ServerContext* context, const v1::CommandRequest* request,
                                 grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunStats);
}

grpc::Status CacheService::Gc(grpc::ServerContext* context, const v1::CommandRequest* request,
                              grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &commands::RunGc);
}

grpc::Status CacheService::Lake(grpc::ServerContext* context, const v1::CommandRequest* request,
                                grpc::ServerWriter<v1::Event>* writer) {
  return RunCommand(state_, context, request, writer, &lake::RunLake);
}

grpc::Status CacheService::FileStatus(grpc::ServerContext* context,
                                      const v1::FileStatusRequest* request,
                                      v1::FileStatusReply* reply) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::FileStatus(*state_, context, *request, reply);
}

grpc::Status CacheService::Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                                 grpc::ServerWriter<v1::WatchEvent>* writer) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::Watch(*state_, context, *request, writer);
}

grpc::Status CacheService::Prefetch(grpc::ServerContext* context,
                                    const v1::PrefetchRequest* request,
                                    grpc::ServerWriter<v1::Event>* writer) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::Prefetch(*state_, context, *request, writer);
}

grpc::Status CacheService::StatBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                                    v1::BlobInfo* reply) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::StatBlob(*state_, context, *request, reply);
}

grpc::Status CacheService::ReadBlob(grpc::ServerContext* context, const v1::BlobRef* request,
                                    grpc::ServerWriter<v1::BlobChunk>* writer) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::ReadBlob(*state_, context, *request, writer);
}

grpc::Status CacheService::WriteBlob(grpc::ServerContext* context,
                                     grpc::ServerReader<v1::BlobChunk>* reader,
                                     v1::WriteBlobReply* reply) {
  core::ActivityTracker::Scope scope(state_->activity);
  return service::WriteBlob(*state_, context, reader, reply);
}

}  // namespace leancache::service
