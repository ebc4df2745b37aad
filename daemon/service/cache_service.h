#pragma once
// The gRPC service of a per-user daemon: every RPC of leancache.v1.Cache, each marked active
// for the idle timeout. The streaming command RPCs come from the one command table
// (command_table.h) and run the commands of daemon/commands/ over a GrpcEventSink; the other
// RPCs (Status, Shutdown, the editor RPCs FileStatus/Watch/Prefetch, the blob RPCs) have one
// handler each in this folder.

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

class CacheService final : public grpc::Service {
 public:
  // Registers every handler; `state` must outlive the service.
  explicit CacheService(core::DaemonState* state);

  // The Status and Shutdown RPCs (also answered through the system daemon's SystemService).
  // Shutdown asks the daemon to stop and is not counted as activity.
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusReply* reply);
  grpc::Status Shutdown(grpc::ServerContext* context, const v1::ShutdownRequest* request,
                        v1::ShutdownReply* reply);

  // The method names registered, in registration order (for the test that every RPC of the
  // proto is served).
  const std::vector<std::string>& rpcs() const { return rpcs_; }

 private:
  // Register `fn(state, context, request, reply-or-stream)` as `rpc`, run inside an
  // ActivityTracker scope.
  template <class Request, class Reply, class Fn>
  void AddUnary(const std::string& rpc, Fn fn);
  template <class Request, class Reply, class Fn>
  void AddServerStreaming(const std::string& rpc, Fn fn);
  template <class Request, class Reply, class Fn>
  void AddClientStreaming(const std::string& rpc, Fn fn);
  // "/leancache.v1.Cache/<rpc>", remembered in rpcs_.
  const char* Path(const std::string& rpc);

  core::DaemonState* state_;
  std::vector<std::string> rpcs_;
  std::vector<std::unique_ptr<std::string>> paths_;  // gRPC keeps the method names as char*
};

}  // namespace leancache::service
