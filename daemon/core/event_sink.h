#pragma once
// The output side of one command RPC: lines for the user's stdout/stderr, progress, typed
// results, and the final Done event with the exit code. Thread-safe, so transfer and unpack
// workers can report progress directly.

#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

class EventSink {
 public:
  EventSink(grpc::ServerContext* context, grpc::ServerWriter<v1::Event>* writer)
      : context_(context), writer_(writer) {}

  // A line on the client's stdout / stderr (no trailing newline).
  void Out(const std::string& text) { Line(v1::Message::STDOUT, text); }
  void Err(const std::string& text) { Line(v1::Message::STDERR, text); }
  // Any other event (progress, typed results).
  void Send(const v1::Event& event);
  // The last event of the stream.
  void Done(int exit_code, const std::string& summary_json = "");

  // True when the client went away or cancelled (Ctrl-C): long jobs must stop promptly.
  bool cancelled() const { return context_->IsCancelled(); }
  int exit_code() const { return exit_code_; }

 private:
  void Line(v1::Message::Stream stream, const std::string& text);

  grpc::ServerContext* context_;
  grpc::ServerWriter<v1::Event>* writer_;
  std::mutex mu_;
  int exit_code_ = 0;
};

}  // namespace leancache::service
