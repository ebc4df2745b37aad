// The per-request setting of a `leancache lake` verb: the project, the forwarded environment,
// Lake's cache dir, the system configuration and the services and scopes Lake would pick
// (spec lake-native-cache-2026.md §3.7 "Which service", §3.8 "Which upload service", §3.4).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/lake/lake_config.h"
#include "common/lake/package_info.h"
#include "common/lake/remote_urls.h"
#include "daemon/lake/lake_args.h"
#include "daemon/sources/config.h"
#include "daemon/transfer/session.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

struct LakeContext {
  std::filesystem::path root;                 // absolute project root
  std::filesystem::path cwd;                  // client's working directory (relative paths)
  std::map<std::string, std::string> env;     // forwarded environment
  std::filesystem::path cache_dir;            // Lake's cache root for this project
  std::filesystem::path config_path;          // ~/.lake/config.toml or $LAKE_CONFIG
  LakeConfig config;

  // `path` resolved against the client's working directory.
  std::filesystem::path Resolve(const std::string& path) const;
  // The variable's value, or "" when unset.
  std::string Env(const std::string& name) const;
};

// Builds the context. Errors: a project root that is not an absolute directory; an unreadable
// or malformed config file (named).
absl::StatusOr<LakeContext> MakeLakeContext(const v1::Invocation& invocation);

// A cache service as a request uses it.
struct Service {
  std::optional<std::string> name;  // configured name; nullopt for the env endpoints
  bool reservoir = false;
  std::string api;                  // reservoir
  std::string artifact_endpoint;    // s3
  std::string revision_endpoint;    // s3
  std::string key;                  // LAKE_CACHE_KEY (uploads only); a secret
  // The request's network route (proxy/CA settings, circuit breaker, time budget) for every
  // transfer to this service; set by AttachSession. Null: direct, default CAs.
  std::shared_ptr<transfer::Session> session;
};

// Gives `service` the request's network session: the proxy and CA variables forwarded in
// `ctx.env` over the daemon's config file (sources::MakeTransferSession). Errors: a bad
// LEANCACHE_REQUEST_TIMEOUT.
absl::Status AttachSession(const sources::Config& daemon_config, const LakeContext& ctx, Service& service);

// Download service: --service, else both LAKE_CACHE_ARTIFACT_ENDPOINT and
// LAKE_CACHE_REVISION_ENDPOINT (a deprecation warning is added; only one set is an error), else
// cache.defaultService, else Reservoir ($RESERVOIR_API_URL or the default API).
absl::StatusOr<Service> SelectDownloadService(const LakeContext& ctx, const LakeArgs& args,
                                              std::vector<std::string>* warnings);

// Upload service: --service plus LAKE_CACHE_KEY; else the key and both env endpoints; else
// cache.defaultUploadService plus the key; else "no default upload service configured; the
// `--service` option must be set". Reservoir cannot be uploaded to.
absl::StatusOr<Service> SelectUploadService(const LakeContext& ctx, const LakeArgs& args);

// The remote scope from --scope / --repo (exactly one unless `optional`), with platform and
// toolchain parts for --repo: `--platform` / `--toolchain` when given, else (when
// `defaults_from_package`) the host platform unless the package is platform-independent and the
// elan toolchain unless it has a fixed toolchain; put-staged passes false (none unless given).
absl::StatusOr<std::optional<RemoteScope>> SelectScope(const LakeContext& ctx, const LakeArgs& args,
                                                       const std::optional<PackageInfo>& package,
                                                       bool defaults_from_package, bool optional);

// A package a verb acts on: its directory, its lakefile settings (whose name is its local cache
// scope) and its `scope` in lake-manifest.json ("" for the root and for dependencies that do not
// come from Reservoir).
struct PackageTarget {
  std::filesystem::path dir;
  PackageInfo info;
  std::string manifest_scope;
};

// The package the verb acts on: --package P (its lake-manifest.json entry, else
// <root>/.lake/packages/P) or the root. Errors: "unknown package 'P': ...", an unreadable lakefile.
absl::StatusOr<PackageTarget> SelectPackage(const LakeContext& ctx, const LakeArgs& args);

// A workspace dependency as lake-manifest.json lists it, in manifest order (Lake's workspace
// packages from index 1 on; the root is not listed).
struct Dependency {
  std::string name;
  std::string manifest_scope;  // "" when the package does not come from Reservoir
  std::filesystem::path dir;   // absolute
};

// The dependencies of the workspace at `ctx.root`. No manifest: none. Errors: a manifest that
// cannot be read or parsed (named).
absl::StatusOr<std::vector<Dependency>> WorkspaceDependencies(const LakeContext& ctx);

// The target of dependency `d`: its directory, manifest scope and lakefile settings. Errors: no
// readable lakefile there (e.g. the package was never downloaded).
absl::StatusOr<PackageTarget> DependencyTarget(const Dependency& d);

// The Reservoir scope Lake gives a dependency when neither --scope nor --repo is set:
// "<manifest scope>/<name>" under Reservoir's /packages/, with the platform and toolchain of a
// repository scope (--platform / --toolchain, else the package's defaults as in SelectScope).
// Errors: the package does not come from Reservoir ("P: not a Reservoir dependency").
absl::StatusOr<RemoteScope> ReservoirPackageScope(const LakeContext& ctx, const LakeArgs& args,
                                                  const PackageTarget& pkg);

}  // namespace leancache::lake
