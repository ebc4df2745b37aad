#pragma once
// Credentials of the processes connected to the daemon, keyed the way gRPC names a connection
// handed over with AddInsecureChannelFromFd ("fd:<N>"). Filled by the accept loop before the
// fd is given to gRPC; read once at the start of each RPC.

#include <sys/types.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace leancache::core {

struct PeerCredentials {
  pid_t pid = -1;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

class PeerRegistry {
 public:
  // Records (or overwrites: fd numbers are reused) the credentials for connection `fd`.
  void Record(int fd, const PeerCredentials& creds);
  // Credentials for a gRPC peer string such as "fd:8"; nullopt when unknown.
  std::optional<PeerCredentials> Lookup(const std::string& grpc_peer) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, PeerCredentials> peers_;
};

}  // namespace leancache::core
