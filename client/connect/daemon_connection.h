#pragma once
// Finds the daemon, starting it when nothing answers. Many clients may race here: a spawn lock
// next to the socket makes exactly one of them start leancached while the others wait, and the
// daemon's own instance lock guards against anything that slips past.

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::connect {

struct ConnectOptions {
  std::string socket_path;
  bool autostart = true;           // false with LEANCACHE_NO_AUTOSTART=1
  std::string daemon_binary;       // leancached to start; empty = next to this binary, then PATH
};

// Options from the environment: the socket ($LEANCACHE_SOCKET / runtime dir rules),
// LEANCACHE_NO_AUTOSTART=1, LEANCACHE_DAEMON_BINARY.
ConnectOptions ConnectOptionsFromEnv();

// A connected channel to a daemon (started first when nothing answers). On failure *error is a
// one-line message.
std::shared_ptr<grpc::Channel> ConnectToDaemon(const ConnectOptions& options, std::string* error);

// A channel to the socket, connected, if a daemon accepts the connection now (its HTTP/2
// handshake done; no RPC is made); nullptr otherwise. Never starts one.
std::shared_ptr<grpc::Channel> ProbeDaemon(const std::string& socket_path);

}  // namespace leancache::connect
