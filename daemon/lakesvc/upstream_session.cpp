#include "daemon/lakesvc/upstream_session.h"

#include "daemon/sources/network_session.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {

std::shared_ptr<transfer::Session> UpstreamSession(const sources::Config* config) {
  if (config == nullptr) return nullptr;
  // Only a forwarded LEANCACHE_REQUEST_TIMEOUT can make this fail, and there is no environment.
  auto session = sources::MakeTransferSession(*config, sources::Env{});
  if (!session.ok()) {
    spdlog::error("lake service: upstream transfer settings: {}; going without the configured proxy and CA",
                  session.status().ToString());
    return nullptr;
  }
  return *std::move(session);
}

}  // namespace leancache::lakesvc
