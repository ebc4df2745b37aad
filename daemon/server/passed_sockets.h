#pragma once
// The listening sockets systemd passed (socket activation), told apart by FileDescriptorName:
// "lake-http" is the Lake service's loopback TCP socket (systemd/user/leancached-lake.socket);
// the other one, a Unix stream socket, is the daemon's gRPC socket (leancached.socket).

#include "absl/status/statusor.h"

namespace leancache::server {

struct PassedSockets {
  int unix_fd = -1;  // -1: none passed, bind the socket path ourselves
  int lake_fd = -1;  // -1: none passed
};

// Takes the passed descriptors (and unsets $LISTEN_FDS etc.). Errors: InvalidArgument for more
// than one socket of a kind, or one that is neither a listening Unix stream socket nor named
// "lake-http".
absl::StatusOr<PassedSockets> TakePassedSockets();

}  // namespace leancache::server
