#pragma once
// Who this daemon is: where it listens, where it keeps its state, and the loopback service it
// runs for Lake. Plain values, filled once by server::RunDaemon (the Lake port right after that
// service started). Read by the Status RPC and by `lake setup`.

#include <cstdint>
#include <filesystem>
#include <string>

namespace leancache::core {

// The daemon's identity as Status and `lake setup` report it.
struct DaemonIdentity {
  std::string socket_path;          // the Unix socket clients connect to
  std::filesystem::path state_dir;  // the index, the Lake service's write key, ...
  // CACHEDIR resolved from the daemon's own environment, reported by Status only. Requests
  // resolve CACHEDIR from the environment their client forwards.
  std::filesystem::path default_cache_dir;
  uint16_t lake_service_port = 0;  // the loopback cache service for Lake (daemon/lakesvc); 0 = not running
};

}  // namespace leancache::core
