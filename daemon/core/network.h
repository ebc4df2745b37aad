#pragma once
// The daemon's way to other machines: its config file (sources, network settings, the cache
// size cap), the one transport, single-flight downloads, and the multi-user cache. Only
// borrowed pointers to forward-declared components (owned by server::RunDaemon), so this header
// includes nothing above the core layer.

namespace leancache::sources {
struct Config;
}
namespace leancache::transfer {
class Transport;
class FetchGroup;
}  // namespace leancache::transfer
namespace leancache::multiuser {
class SharedCache;
}

namespace leancache::core {

// What a job that downloads or uploads depends on. `shared` is null when no multi-user cache is
// configured; the others are set in a running daemon.
struct Network {
  const sources::Config* config = nullptr;   // the daemon's config file
  transfer::Transport* transport = nullptr;  // one connection pool for every request
  transfer::FetchGroup* fetches = nullptr;   // single-flight downloads across requests
  multiuser::SharedCache* shared = nullptr;  // multi-user cache: system store or upstream
};

}  // namespace leancache::core
