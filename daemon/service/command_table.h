#pragma once
// The one command table: every streaming command RPC of leancache.v1.Cache (a CommandRequest
// in, Events out) and the command in daemon/commands/ that runs it. CacheService registers one
// gRPC method per row; adding a command RPC to the proto means adding a row here.

#include <vector>

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::service {

// Runs one command to its end; the command sends Done itself. Commands get the whole state and
// hand each job below them only the roles it uses.
using CommandFn = void (*)(const core::DaemonState&, const v1::CommandRequest&, core::EventSink&);

struct CommandRpc {
  const char* rpc;  // the method name in leancache.v1.Cache, e.g. "Get"
  CommandFn run;
};

// The rows, in the proto's order.
const std::vector<CommandRpc>& CommandTable();

}  // namespace leancache::service
