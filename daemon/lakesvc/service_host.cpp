#include "daemon/lakesvc/service_host.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {

bool ServiceHost::Wanted(const HostOptions& options) {
  return options.listen_fd >= 0 || options.listen_override.has_value() || options.config.listen.has_value();
}

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(HostOptions options, index::Index* index,
                                                                transfer::Transport* transport,
                                                                transfer::FetchGroup* fetches) {
  std::unique_ptr<ServiceHost> host(new ServiceHost);
  auto artifacts = lakestore::LakeBlobStore::Open(options.dir / "artifacts", index,
                                                  lakestore::LakeBlobStore::ServiceName);
  if (!artifacts.ok()) return artifacts.status();
  host->artifacts_ = std::move(*artifacts);
  auto revisions = RevisionStore::Open(options.dir / "revisions");
  if (!revisions.ok()) return revisions.status();
  host->revisions_ = std::make_unique<RevisionStore>(std::move(*revisions));

  ServiceParts parts;
  parts.config = options.config;
  parts.artifacts = host->artifacts_.get();
  parts.revisions = host->revisions_.get();
  parts.transport = transport;
  parts.fetches = fetches;
  parts.key_dir = options.key_dir;
  parts.net_config = options.net_config;
  host->service_ = std::make_unique<LakeService>(std::move(parts));

  HttpServer::Options http;
  http.listen = options.listen_override ? options.listen_override : options.config.listen;
  http.listen_fd = options.listen_fd;
  http.policy = std::move(options.policy);
  http.on_request = std::move(options.on_request);
  auto server = HttpServer::Start(host->service_.get(), std::move(http));
  if (!server.ok()) return server.status();
  host->server_ = std::move(*server);
  spdlog::info("lake service: serving http://127.0.0.1:{}/artifacts and /revisions from {} (upstream: {}, writes: {})",
               host->port(), options.dir.string(),
               options.config.upstream.empty() ? "none" : options.config.upstream.artifact,
               options.config.writes == WriteMode::kThrough ? "through" : "local");
  return host;
}

std::filesystem::path DefaultServiceDir(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) {
    auto it = env.find(k);
    return it == env.end() ? std::string() : it->second;
  };
  if (std::string xdg = get("XDG_CACHE_HOME"); !xdg.empty()) return std::filesystem::path(xdg) / "leancache/lake-service";
  if (std::string home = get("HOME"); !home.empty()) return std::filesystem::path(home) / ".cache/leancache/lake-service";
  return std::filesystem::path("/tmp") / absl::StrCat("leancache-lake-service-", ::getuid());
}

absl::StatusOr<ServiceConfig> ServiceConfigFrom(const nlohmann::json& extra, const std::string& where) {
  if (!extra.is_object() || !extra.contains("lake_service")) return ServiceConfig{};
  return ParseServiceConfig(extra.at("lake_service"), where + ": lake_service");
}

}  // namespace leancache::lakesvc
