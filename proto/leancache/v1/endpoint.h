#pragma once
// Where the leancached socket lives. Shared by the client and the daemon because the socket
// address is part of the API contract; pure functions of the environment given to them.

#include <map>
#include <string>

namespace leancache::api {

// Resolves the daemon socket path: $LEANCACHE_SOCKET, else
// $XDG_RUNTIME_DIR/leancache/leancached.sock, else /tmp/leancache-$UID/leancached.sock.
// Empty variables count as unset. `uid` is the caller's real uid.
std::string ResolveSocketPath(const std::map<std::string, std::string>& env, unsigned uid);

// The same, reading the process environment.
std::string ResolveSocketPathFromEnvironment();

// gRPC target string for a socket path ("unix:" + absolute path).
std::string GrpcTarget(const std::string& socket_path);

// Path of the lock file that guarantees one daemon per socket.
std::string InstanceLockPath(const std::string& socket_path);

// Path of the lock file clients hold while auto-starting a daemon.
std::string SpawnLockPath(const std::string& socket_path);

}  // namespace leancache::api
