#pragma once
// Cancels a gRPC call when SIGINT or SIGTERM arrives (the client blocks both in main before
// gRPC starts its threads, so a dedicated thread can sigwait for them). Used by the long-lived
// editor commands (`watch`, `prefetch`): Ctrl-C ends the stream cleanly and the daemon stops
// the work it did for us.

#include <atomic>
#include <thread>

#include <grpcpp/grpcpp.h>

namespace leancache::editor_client {

class SignalCancel {
 public:
  // Starts the signal thread for `context` (which must outlive this object).
  explicit SignalCancel(grpc::ClientContext* context);
  // Stops the thread (via SIGUSR1, also blocked by main) and joins it.
  ~SignalCancel();
  SignalCancel(const SignalCancel&) = delete;
  SignalCancel& operator=(const SignalCancel&) = delete;

  // True once a signal cancelled the call.
  bool cancelled() const { return cancelled_; }

 private:
  grpc::ClientContext* context_;
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

}  // namespace leancache::editor_client
