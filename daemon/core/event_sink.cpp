#include "daemon/core/event_sink.h"

#include "absl/strings/str_cat.h"

namespace leancache::core {

void EventSink::Line(v1::Message::Stream stream, const std::string& text) {
  v1::Event event;
  event.mutable_message()->set_stream(stream);
  event.mutable_message()->set_text(text);
  Send(event);
}

void EventSink::Fail(const absl::Status& status, absl::string_view prefix) {
  Err(absl::StrCat(prefix, status.message()));
  Done(1);
}

}  // namespace leancache::core
