#include "daemon/service/grpc_event_sink.h"

namespace leancache::service {

void GrpcEventSink::Send(const v1::Event& event) {
  std::lock_guard<std::mutex> lock(mu_);
  writer_->Write(event);  // a failed write means the client left; cancelled() reports it
}

void GrpcEventSink::Done(int exit_code, const std::string& summary_json) {
  v1::Event event;
  event.mutable_done()->set_exit_code(exit_code);
  event.mutable_done()->set_summary_json(summary_json);
  exit_code_ = exit_code;
  Send(event);
}

}  // namespace leancache::service
