#pragma once
// The output side of one command: lines for the user's stdout/stderr, progress, typed results,
// and the final Done event with the exit code. Jobs and commands write to this interface; the
// service layer implements it over a gRPC stream (service/grpc_event_sink.h). Implementations
// are thread-safe, so transfer and unpack workers can report progress directly.

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::core {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // A line on the client's stdout / stderr (no trailing newline).
  void Out(const std::string& text) { Line(v1::Message::STDOUT, text); }
  void Err(const std::string& text) { Line(v1::Message::STDERR, text); }
  // Any other event (progress, typed results).
  virtual void Send(const v1::Event& event) = 0;
  // The last event of the stream.
  virtual void Done(int exit_code, const std::string& summary_json = "") = 0;
  // Ends a failed command: `prefix` followed by the status message on stderr, then Done(1).
  void Fail(const absl::Status& status, absl::string_view prefix = "");

  // True when the client went away or cancelled (Ctrl-C): long jobs must stop promptly.
  virtual bool cancelled() const = 0;
  // The exit code sent with Done (0 until then).
  virtual int exit_code() const = 0;

 protected:
  void Line(v1::Message::Stream stream, const std::string& text);
};

}  // namespace leancache::core
