#pragma once
// core::EventSink over the server side of one streaming gRPC call.

#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

class GrpcEventSink final : public core::EventSink {
 public:
  // `context` and `writer` must outlive the sink.
  GrpcEventSink(grpc::ServerContext* context, grpc::ServerWriter<v1::Event>* writer)
      : context_(context), writer_(writer) {}

  void Send(const v1::Event& event) override;
  void Done(int exit_code, const std::string& summary_json = "") override;
  bool cancelled() const override { return context_->IsCancelled(); }
  int exit_code() const override { return exit_code_; }

 private:
  grpc::ServerContext* context_;
  grpc::ServerWriter<v1::Event>* writer_;
  std::mutex mu_;
  int exit_code_ = 0;
};

}  // namespace leancache::service
