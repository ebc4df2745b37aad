#include "client/render/event_stream.h"

#include <iostream>

namespace leancache::render {

int DrainEvents(grpc::ClientContext& context, grpc::ClientReader<v1::Event>& reader,
                EventRenderer& renderer, const std::function<bool()>& cancelled) {
  v1::Event event;
  bool done = false;
  while (reader.Read(&event)) {
    if (!renderer.Handle(event)) {
      done = true;
      break;
    }
  }
  if (done) context.TryCancel();
  grpc::Status status = reader.Finish();
  if (cancelled() && !done) {
    std::cerr << "leancache: cancelled\n";
    return 130;
  }
  return renderer.Finish(status.ok(), status.error_message());
}

}  // namespace leancache::render
