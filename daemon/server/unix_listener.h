#pragma once
// The daemon's listening Unix socket and its accept loop. We own accept() (instead of gRPC's
// AddListeningPort) so that every connection's SO_PEERCRED is known, the socket gets mode 0600
// in a 0700 directory, and a socket passed by systemd can be used the same way.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/core/peer_registry.h"

namespace grpc {
class Server;
}

namespace leancache::server {

// Who may open the socket file. kPrivate (per-user daemon): directory 0700, socket 0600.
// kAllUsers (system daemon): directory 0755, socket 0666 — authorization is then SO_PEERCRED
// plus the daemon's trust policy, not the file mode.
enum class SocketAccess { kPrivate, kAllUsers };

// Makes sure the socket's directory exists with the mode of `access`: directories we create get
// it; an existing directory we own that is not a shared sticky one (like /tmp) is set to it.
absl::Status PrepareSocketDirectory(const std::string& socket_path,
                                    SocketAccess access = SocketAccess::kPrivate);

class UnixListener {
 public:
  // Creates the socket directory (see PrepareSocketDirectory), removes a stale socket file (the
  // caller holds the instance lock), binds `socket_path` (born with the mode of `access`, never
  // more open even for an instant) and listens.
  static absl::StatusOr<std::unique_ptr<UnixListener>> Bind(
      const std::string& socket_path, SocketAccess access = SocketAccess::kPrivate);
  // Wraps an already-listening socket (e.g. from systemd socket activation). The path is only
  // used for messages and is not unlinked on Stop().
  static std::unique_ptr<UnixListener> Adopt(int listen_fd, const std::string& socket_path);

  ~UnixListener();

  // Starts the accept thread: each accepted connection's credentials go to `peers`, then the
  // fd is handed to `server`. `on_connect` runs on the accept thread for each connection.
  void Start(grpc::Server* server, core::PeerRegistry* peers, std::function<void()> on_connect);
  // Stops accepting, joins the thread, closes the socket, and unlinks the path if we bound it.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  UnixListener(int fd, std::string path, bool owns_path);
  void AcceptLoop(grpc::Server* server, core::PeerRegistry* peers, std::function<void()> on_connect);

  int fd_;
  int wake_fd_;
  std::string path_;
  bool owns_path_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace leancache::server
