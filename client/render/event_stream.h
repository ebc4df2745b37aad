#pragma once
// The client side of every streaming command: render each event until Done, then cancel the
// call (the daemon may still do bookkeeping the user need not wait for) and turn the outcome
// into the process exit code.

#include <functional>

#include <grpcpp/grpcpp.h>

#include "client/render/event_renderer.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::render {

// Drains `reader` into `renderer`. Returns the Done event's exit code, 130 when `cancelled()`
// (Ctrl-C) ended the call before Done, or 1 with a message when the stream broke.
int DrainEvents(grpc::ClientContext& context, grpc::ClientReader<v1::Event>& reader,
                EventRenderer& renderer, const std::function<bool()>& cancelled);

}  // namespace leancache::render
