#pragma once
// The network side of one `get` request: the transfer session (proxy/CA settings, circuit
// breaker, total time budget) built from the client's forwarded environment over the daemon's
// config file, the one line that tells the user why a source could not be reached, and offline
// mode.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/sources/config.h"
#include "daemon/sources/env_value.h"
#include "daemon/transfer/host_breaker.h"
#include "daemon/transfer/session.h"

namespace leancache::sources {

// The session for a request with forwarded environment `env`: NetSettingsFromEnv over the
// config's proxy/no_proxy/ca_bundle/ca_path; the budget LEANCACHE_REQUEST_TIMEOUT (seconds) when
// set, else the config's request_timeout. InvalidArgument for a bad LEANCACHE_REQUEST_TIMEOUT.
absl::StatusOr<std::shared_ptr<transfer::Session>> MakeTransferSession(const Config& config,
                                                                       const Env& env);

// One line naming the host (or proxy), the cause and what to check, e.g.
// "cannot reach cache.mathlib.org: could not resolve host — check the network, a proxy
// (https_proxy) or MATHLIB_CACHE_GET_URL". Proxy URLs appear without credentials.
std::string UnreachableLine(const transfer::HostFailure& failure);

// Whether the request asked for offline mode: the --offline option, or LEANCACHE_OFFLINE set to
// 1/true.
bool OfflineRequested(const std::map<std::string, std::string>& options, const Env& env);

// What an offline get prints instead of downloading: a header line, then one line per missing
// archive (`names`, e.g. "Mathlib.Init (0123456789abcdef.ltar)"), at most 100 of them.
std::vector<std::string> OfflineMissingLines(const std::vector<std::string>& names);

}  // namespace leancache::sources
