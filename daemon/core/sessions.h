#pragma once
// The daemon's clients and its lifetime, as the RPC layer sees them: requests in flight (for the
// idle timeout and Status), the credentials of each connection, and the way to stop.

#include <functional>

namespace leancache::core {

class ActivityTracker;
class PeerRegistry;

// Used by the service layer only; jobs never depend on it. Pointers are borrowed (owned by
// server::RunDaemon); `peers` may be null in tests, then no caller is identified.
struct Sessions {
  ActivityTracker* activity = nullptr;  // requests in flight, last use, requests served
  PeerRegistry* peers = nullptr;        // SO_PEERCRED of each connection
  std::function<void()> request_shutdown;  // asks the daemon to stop gracefully
};

}  // namespace leancache::core
