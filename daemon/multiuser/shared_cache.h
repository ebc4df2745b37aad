#pragma once
// The shared multi-user cache as one daemon sees it (core::Network::shared):
// * system mode (`leancached --system`): the SharedStore and the TrustPolicy that the blob RPCs
//   (service/blob_service.h) serve;
// * per-user mode: the Upstream client of the system daemon, consulted by `get` before the HTTP
//   sources and offered new archives after `put` and downloads.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/multiuser/shared_store.h"
#include "daemon/multiuser/trust_policy.h"

namespace leancache::multiuser {

class Upstream;

// Default locations of the system daemon (systemd/system/leancached.{socket,service}).
inline constexpr char kDefaultSystemSocket[] = "/run/leancached/leancached.sock";
inline constexpr char kDefaultStoreDir[] = "/var/cache/leancached";
inline constexpr char kDefaultStateDir[] = "/var/lib/leancached";
inline constexpr char kDefaultTrustConfig[] = "/etc/leancache/system.json";

struct SharedOptions {
  bool system = false;                   // this daemon is the system daemon
  std::filesystem::path store_dir;       // system: blob store
  std::filesystem::path trust_config;    // system: readers / trusted writers / quota
  std::string upstream_socket;           // per-user: system daemon socket; empty = none
};

class SharedCache {
 public:
  // System mode: opens the store and loads the policy (errors: store not creatable, config
  // invalid). Per-user mode: creates the Upstream client (never fails; the system daemon may
  // come and go). Neither: a SharedCache with nothing in it.
  static absl::StatusOr<std::unique_ptr<SharedCache>> Open(const SharedOptions& options);
  ~SharedCache();

  bool system() const { return store_ != nullptr; }
  SharedStore* store() { return store_.get(); }
  Upstream* upstream() { return upstream_.get(); }

  // The current policy. The config file is re-read when its mtime or size changes, so trust
  // changes apply to the next request without a restart; an invalid new file is logged and the
  // previous policy stays in force.
  TrustPolicy Policy();
  const std::filesystem::path& trust_config() const { return options_.trust_config; }

 private:
  SharedCache() = default;
  SharedOptions options_;
  std::unique_ptr<SharedStore> store_;
  std::unique_ptr<Upstream> upstream_;
  std::mutex policy_mu_;
  TrustPolicy policy_;
  std::string policy_stamp_;  // "<mtime_ns>:<size>" of the loaded file, "" = absent
};


}  // namespace leancache::multiuser
