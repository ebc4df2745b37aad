#pragma once
// Starts and owns the loopback cache service for Lake inside leancached: its artifact store
// (lakestore::LakeBlobStore, "<hash16>.art", recorded in the daemon's index and so under the
// cache size cap), its revision files, the service logic and the HTTP server.
//
// Layout under `dir` (default: $XDG_CACHE_HOME/leancache/lake-service, else
// ~/.cache/leancache/lake-service; the system daemon uses <store dir>/lake-service):
//   artifacts/<hash16>.art        verified blobs, read-only
//   revisions/<scope…>/<rev>.jsonl

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/lakesvc/http_server.h"
#include "daemon/lakesvc/lake_service.h"
#include "daemon/lakesvc/peer_access.h"
#include "daemon/lakesvc/revision_store.h"
#include "daemon/lakesvc/service_config.h"
#include "nlohmann/json.hpp"

namespace leancache::index {
class Index;
}
namespace leancache::transfer {
class Transport;
class FetchGroup;
}  // namespace leancache::transfer

namespace leancache::lakesvc {

struct HostOptions {
  ServiceConfig config;            // from config.json "lake_service"; listen overridden below
  std::optional<ListenAddress> listen_override;  // leancached --lake-http
  int listen_fd = -1;              // passed by systemd (name "lake-http")
  std::filesystem::path dir;       // see above
  std::filesystem::path key_dir;   // the daemon's state dir (lake-service.key)
  PeerPolicy policy;
  std::function<void()> on_request;
  const sources::Config* net_config = nullptr;  // proxy/CA of upstream transfers (upstream_session.h)
};

class ServiceHost {
 public:
  // Whether the options ask for the service at all (an address, a passed socket, or a config
  // "listen").
  static bool Wanted(const HostOptions& options);

  // Opens the stores and starts serving. All pointers must outlive the host.
  // Errors: the stores cannot be opened, the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(HostOptions options, index::Index* index,
                                                            transfer::Transport* transport,
                                                            transfer::FetchGroup* fetches);

  uint16_t port() const { return server_->port(); }

 private:
  ServiceHost() = default;
  std::unique_ptr<lakestore::LakeBlobStore> artifacts_;
  std::unique_ptr<RevisionStore> revisions_;
  std::unique_ptr<LakeService> service_;
  std::unique_ptr<HttpServer> server_;  // destroyed first: no request outlives the service
};

// The service directory for a daemon with environment `env`: see above.
std::filesystem::path DefaultServiceDir(const std::map<std::string, std::string>& env);

// The "lake_service" object of a config.json's unknown keys (`extra`), parsed; defaults when it
// is absent. `where` names the file in errors.
absl::StatusOr<ServiceConfig> ServiceConfigFrom(const nlohmann::json& extra, const std::string& where);

}  // namespace leancache::lakesvc
