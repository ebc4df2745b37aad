#include "daemon/core/peer_registry.h"

namespace leancache::core {

void PeerRegistry::Record(int fd, const PeerCredentials& creds) {
  std::lock_guard<std::mutex> lock(mu_);
  peers_["fd:" + std::to_string(fd)] = creds;
}

std::optional<PeerCredentials> PeerRegistry::Lookup(const std::string& grpc_peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(grpc_peer);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

}  // namespace leancache::core
