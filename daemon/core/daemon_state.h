#pragma once
// The composition root of the daemon's long-lived state: server::RunDaemon fills one and the
// service layer (daemon/service, daemon/commands) holds it. Everything below the service layer
// takes only the role it uses (one header each in daemon/core/):
//   identity   DaemonIdentity  socket, state dir, default CACHEDIR, Lake service port
//   local      LocalCache      index, quota, key cache, dep hashes, plan memo, watches, unpack pool
//   network    Network         config, transport, single-flight fetches, multi-user cache
//   observers  JobObservers    progress for editor watchers, runs still writing their statistics
//   sessions   Sessions        activity, peer credentials, request_shutdown (service layer only)
// Handlers and jobs only borrow it; the components stay owned by RunDaemon.

#include "daemon/core/daemon_identity.h"
#include "daemon/core/job_observers.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "daemon/core/sessions.h"

namespace leancache::core {

// Every role of the daemon, for the service layer to hand out piece by piece.
struct DaemonState {
  DaemonIdentity identity;
  LocalCache local;
  Network network;
  JobObservers observers;
  Sessions sessions;
};

}  // namespace leancache::core
