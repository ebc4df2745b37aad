// `leancache lake setup [--write] [--default] [--name=NAME] [--port=PORT]`: points Lake at the
// daemon's loopback cache service (daemon/lakesvc). Prints the `[[cache.service]]` stanza, or
// with --write merges it into ~/.lake/config.toml / $LAKE_CONFIG (daemon/lake/service_setup.h).
// When the request forwards LAKE_CACHE_KEY, that key becomes the one the service accepts
// writes from (daemon/lake/service_key.h); its secret is never printed or logged.
#pragma once

#include "daemon/core/daemon_identity.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// The port defaults to `identity.lake_service_port`; the key goes under `identity.state_dir`.
void RunSetup(const core::DaemonIdentity& identity, const v1::CommandRequest& request, core::EventSink& sink);

}  // namespace leancache::lake
