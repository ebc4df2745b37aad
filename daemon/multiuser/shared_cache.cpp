#include "daemon/multiuser/shared_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "daemon/multiuser/upstream.h"
#include "spdlog/spdlog.h"

namespace leancache::multiuser {
namespace {

std::string Stamp(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, ":", st.st_size, ":", st.st_ino);
}

}  // namespace

absl::StatusOr<std::unique_ptr<SharedCache>> SharedCache::Open(const SharedOptions& options) {
  std::unique_ptr<SharedCache> cache(new SharedCache());
  cache->options_ = options;
  if (options.system) {
    auto store = SharedStore::Open(options.store_dir);
    if (!store.ok()) return store.status();
    cache->store_ = std::move(*store);
    cache->policy_stamp_ = Stamp(options.trust_config);
    auto policy = LoadTrustPolicy(options.trust_config);
    if (!policy.ok()) return policy.status();
    cache->policy_ = std::move(*policy);
    spdlog::info("shared cache: store {}, trust config {}{}", cache->store_->dir().string(),
                 options.trust_config.string(),
                 cache->policy_stamp_.empty() ? " (missing: defaults apply)" : "");
  } else if (!options.upstream_socket.empty()) {
    cache->upstream_ = std::make_unique<Upstream>(options.upstream_socket);
  }
  return cache;
}

SharedCache::~SharedCache() = default;

TrustPolicy SharedCache::Policy() {
  std::lock_guard lock(policy_mu_);
  std::string stamp = Stamp(options_.trust_config);
  if (stamp != policy_stamp_) {
    auto policy = LoadTrustPolicy(options_.trust_config);
    if (policy.ok()) {
      policy_ = std::move(*policy);
      spdlog::info("shared cache: reloaded {}", options_.trust_config.string());
    } else {
      spdlog::error("shared cache: keeping the previous policy: {}", std::string(policy.status().message()));
    }
    policy_stamp_ = stamp;
  }
  return policy_;
}

}  // namespace leancache::multiuser
