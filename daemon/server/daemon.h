#pragma once
// leancached's lifecycle: single-instance lock, index, gRPC server on the Unix socket (bound by
// us or passed by systemd), readiness notification, signal handling, idle exit, graceful stop.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "daemon/multiuser/shared_cache.h"

namespace leancache::server {

struct DaemonOptions {
  std::string socket_path;
  std::filesystem::path state_dir;          // holds the LMDB index
  std::filesystem::path default_cache_dir;  // reported by Status
  std::chrono::seconds idle_timeout{30 * 60};  // 0 = never exit when idle
  std::filesystem::path config_path;         // config.json; empty or missing = defaults
  std::chrono::seconds stall_timeout{30};    // a transfer below 1 KiB/s this long fails
  std::chrono::seconds connect_timeout{10};
  int max_attempts = 5;                      // per transfer, including the first
  multiuser::SharedOptions shared;              // system store, or the upstream system daemon
  std::string lake_http;                     // --lake-http "127.0.0.1:PORT"; empty = config/systemd decide
  std::filesystem::path lake_service_dir;    // the Lake service's store (daemon/lakesvc/service_host.h)
};

// Runs the daemon until SIGTERM/SIGINT, a Shutdown RPC, or the idle timeout. `on_ready` is
// called once the socket accepts connections (used to release a waiting parent process); a
// startup error is returned without calling it. Signals SIGTERM/SIGINT/SIGHUP
// must already be blocked in every thread (call BlockShutdownSignals() first in main).
absl::Status RunDaemon(const DaemonOptions& options, const std::function<void()>& on_ready);

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and threads it creates later) so
// RunDaemon can wait for them synchronously. Call before any thread exists.
void BlockShutdownSignals();

}  // namespace leancache::server
