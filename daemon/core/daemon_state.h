#pragma once
// What every RPC handler and job may use: the daemon's identity, its long-lived components, and
// a way to ask for a graceful shutdown. Owned by server::RunDaemon; handlers and jobs only borrow
// it. Only pointers: the components are forward-declared, so this header includes nothing above
// the core layer.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace leancache::index {
class Index;
}
namespace leancache::get {
class UnpackPool;
class DepHashCache;
class PlanMemo;
}  // namespace leancache::get
namespace leancache::watch {
class DirWatchHub;
}
namespace leancache::sources {
struct Config;
}
namespace leancache::transfer {
class Transport;
class FetchGroup;
}  // namespace leancache::transfer
namespace leancache::evict {
class CacheQuota;
}
namespace leancache::keycache {
class ProjectKeyCache;
}
namespace leancache::multiuser {
class SharedCache;
}
namespace leancache::stats {
class PendingRuns;
}
namespace leancache::core {

class ActivityTracker;
class PeerRegistry;
class ProgressHub;

struct DaemonState {
  std::string socket_path;
  std::filesystem::path state_dir;
  // CACHEDIR resolved from the daemon's own environment, reported by Status only. Requests
  // resolve CACHEDIR from the environment their client forwards.
  std::filesystem::path default_cache_dir;
  core::ActivityTracker* activity = nullptr;
  core::PeerRegistry* peers = nullptr;
  index::Index* index = nullptr;
  keycache::ProjectKeyCache* key_cache = nullptr;
  const sources::Config* config = nullptr;    // the daemon's config file
  transfer::Transport* transport = nullptr;   // one connection pool for every request
  transfer::FetchGroup* fetches = nullptr;    // single-flight downloads across requests
  get::UnpackPool* unpack_pool = nullptr;
  get::DepHashCache* dep_hashes = nullptr;    // "already unpacked?" answers by file stamp
  watch::DirWatchHub* watches = nullptr;      // inotify, shared by the key cache and plan memo
  get::PlanMemo* plan_memo = nullptr;         // "this project was entirely current" answers
  evict::CacheQuota* quota = nullptr;         // bounded cache: reservations, pins, eviction
  multiuser::SharedCache* shared = nullptr;      // multi-user cache: system store or upstream
  core::ProgressHub* progress_hub = nullptr;  // get progress for editor watchers (Watch)
  stats::PendingRuns* pending_runs = nullptr;   // answered runs whose statistics are being written
  uint16_t lake_service_port = 0;  // the loopback cache service for Lake (daemon/lakesvc); 0 = not running
  std::function<void()> request_shutdown;
};

}  // namespace leancache::core
