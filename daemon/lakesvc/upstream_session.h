#pragma once
// The network route of the service's upstream transfers: no client forwards an environment to
// the Lake service, so its read-through and write-through transfers use the proxy and CA
// settings of the daemon's config file (proxy, no_proxy, ca_bundle, ca_path, request_timeout).

#include <memory>

#include "daemon/sources/config.h"
#include "daemon/transfer/session.h"

namespace leancache::lakesvc {

// A fresh session (its own circuit breaker and time budget) for the transfers one HTTP request
// to the service causes; null when `config` is null or its settings are unusable (logged): direct,
// default CAs.
std::shared_ptr<transfer::Session> UpstreamSession(const sources::Config* config);

}  // namespace leancache::lakesvc
