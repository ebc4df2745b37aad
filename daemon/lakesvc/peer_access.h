#pragma once
// Who may use the loopback service. A loopback TCP port is reachable by every local user, so
// each connection's uid is looked up (peer_uid.h) and judged here; a connection whose uid
// cannot be determined gets nothing.
//  * Per-user daemon: only the daemon's own uid may read or write. Its store holds what this
//    user fetched or wrote, and is not published to other users.
//  * System daemon (`--system`): the multi-user trust rules (daemon/multiuser/trust_policy.h):
//    readers may read; only trusted writers may write (their PUTs must still carry a valid
//    signature of the registered key). Untrusted writes are refused rather than quarantined, so
//    every blob served was written by a trusted writer or fetched from the configured upstream.

#include <sys/types.h>

#include <functional>
#include <string>

namespace leancache::multiuser {
class SharedCache;
}

namespace leancache::lakesvc {

struct PeerRights {
  bool read = false;
  bool write = false;
  std::string user;  // the name recorded with blobs it uses ("uid:N" without a passwd entry)
};

using PeerPolicy = std::function<PeerRights(uid_t uid)>;

// Per-user daemon: `owner` reads and writes, nobody else does anything.
PeerPolicy OwnerOnlyPolicy(uid_t owner);

// System daemon: the current trust policy of `shared` (re-read when its file changes).
// `shared` must outlive the returned function.
PeerPolicy TrustRulesPolicy(multiuser::SharedCache* shared);

}  // namespace leancache::lakesvc
