#pragma once
// Who is on the other end of a loopback TCP connection. TCP has no SO_PEERCRED, but the kernel
// lists every IPv4 socket of this network namespace with its owner's uid in /proc/net/tcp: the
// client's socket is the entry whose local address is the connection's peer address and whose
// remote address is our end.

#include <netinet/in.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lakesvc {

// The uid owning the socket `peer` → `local` in `proc_net_tcp` (the text of /proc/net/tcp).
// Errors: NotFound when no such connection is listed (e.g. the client lives in another
// network namespace), InvalidArgument for unparsable text.
absl::StatusOr<uid_t> FindSocketOwner(std::string_view proc_net_tcp, const sockaddr_in& peer, const sockaddr_in& local);

// Same, reading /proc/net/tcp. Errors as above, plus the read error.
absl::StatusOr<uid_t> LoopbackPeerUid(const sockaddr_in& peer, const sockaddr_in& local);

// The uid of the client of the connected TCP socket `fd` (getpeername/getsockname + the above).
absl::StatusOr<uid_t> ConnectionPeerUid(int fd);

}  // namespace leancache::lakesvc
