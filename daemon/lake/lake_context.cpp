#include "daemon/lake/lake_context.h"

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "common/lake/cache_dir.h"
#include "common/workspace/manifest.h"
#include "daemon/sources/network_session.h"

namespace leancache::lake {

std::filesystem::path LakeContext::Resolve(const std::string& path) const {
  std::filesystem::path p(path);
  return p.is_absolute() ? p.lexically_normal() : (cwd / p).lexically_normal();
}

std::string LakeContext::Env(const std::string& name) const {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

absl::StatusOr<LakeContext> MakeLakeContext(const v1::Invocation& inv) {
  LakeContext ctx;
  ctx.root = inv.project_root();
  std::error_code ec;
  if (!ctx.root.is_absolute() || !std::filesystem::is_directory(ctx.root, ec)) {
    return absl::InvalidArgumentError(absl::StrCat("project directory not found: ", inv.project_root()));
  }
  ctx.cwd = inv.client_cwd().empty() ? ctx.root : std::filesystem::path(inv.client_cwd());
  ctx.env = {inv.env().begin(), inv.env().end()};
  CacheDirInputs in;
  in.env = ctx.env;
  in.workspace_root = ctx.root;
  in.elan_home = ElanHome(ctx.env);
  absl::StatusOr<std::string> tc_file = fs::ReadFile((ctx.root / "lean-toolchain").string(), 4096);
  std::optional<std::string> toolchain = ElanToolchain(ctx.env, tc_file.ok() ? std::optional(*tc_file) : std::nullopt);
  // Lake runs from an elan toolchain only when that toolchain is installed there.
  if (toolchain && !in.elan_home.empty() &&
      std::filesystem::is_directory(in.elan_home / "toolchains" / ToolchainDir(*toolchain), ec)) {
    in.elan_toolchain = toolchain;
  }
  ctx.cache_dir = ResolveLakeCacheDir(in);
  if (ctx.cache_dir.is_relative()) ctx.cache_dir = ctx.root / ctx.cache_dir;
  ctx.config_path = LakeConfigPath(ctx.env);
  absl::StatusOr<LakeConfig> config = LoadLakeConfig(ctx.config_path);
  if (!config.ok()) return config.status();
  ctx.config = *std::move(config);
  return ctx;
}

namespace {

absl::StatusOr<Service> FromConfig(const LakeContext& ctx, const std::string& name) {
  const CacheService* s = ctx.config.Find(name);
  if (s == nullptr) {
    return absl::NotFoundError(absl::StrCat("service `", name, "` not found in system configuration; configured services: ",
                                            ctx.config.Names()));
  }
  Service out;
  out.name = s->name;
  out.reservoir = s->reservoir;
  out.api = s->api_endpoint.empty() ? std::string(kDefaultReservoirApi) : StripTrailingSlash(s->api_endpoint);
  out.artifact_endpoint = StripTrailingSlash(s->artifact_endpoint);
  out.revision_endpoint = StripTrailingSlash(s->revision_endpoint);
  return out;
}

// The env endpoints: a service when both are set, nullopt when neither, an error for one.
absl::StatusOr<std::optional<Service>> FromEnv(const LakeContext& ctx) {
  std::string a = ctx.Env("LAKE_CACHE_ARTIFACT_ENDPOINT"), r = ctx.Env("LAKE_CACHE_REVISION_ENDPOINT");
  if (a.empty() && r.empty()) return std::optional<Service>();
  if (a.empty() || r.empty()) {
    return absl::InvalidArgumentError(
        "LAKE_CACHE_ARTIFACT_ENDPOINT and LAKE_CACHE_REVISION_ENDPOINT must be set together");
  }
  Service s;
  s.artifact_endpoint = StripTrailingSlash(a);
  s.revision_endpoint = StripTrailingSlash(r);
  return std::optional<Service>(s);
}

Service Reservoir(const LakeContext& ctx) {
  Service s;
  s.reservoir = true;
  std::string api = ctx.Env("RESERVOIR_API_URL");
  s.api = api.empty() ? std::string(kDefaultReservoirApi) : StripTrailingSlash(api);
  return s;
}

}  // namespace

absl::StatusOr<Service> SelectDownloadService(const LakeContext& ctx, const LakeArgs& args,
                                              std::vector<std::string>* warnings) {
  if (auto name = args.Value("service")) return FromConfig(ctx, *name);
  absl::StatusOr<std::optional<Service>> env = FromEnv(ctx);
  if (!env.ok()) return env.status();
  if (*env) {
    warnings->push_back(
        "LAKE_CACHE_ARTIFACT_ENDPOINT and LAKE_CACHE_REVISION_ENDPOINT are deprecated; configure a cache "
        "service in the system configuration and use `--service` instead");
    return **env;
  }
  std::string def = ctx.Env("LAKE_CACHE_SERVICE");
  if (def.empty()) def = ctx.config.default_service;
  if (!def.empty()) return FromConfig(ctx, def);
  return Reservoir(ctx);
}

absl::StatusOr<Service> SelectUploadService(const LakeContext& ctx, const LakeArgs& args) {
  std::string key = ctx.Env("LAKE_CACHE_KEY");
  absl::StatusOr<Service> s = absl::FailedPreconditionError(
      "no default upload service configured; the `--service` option must be set");
  if (auto name = args.Value("service")) {
    s = FromConfig(ctx, *name);
  } else if (absl::StatusOr<std::optional<Service>> env = FromEnv(ctx); !env.ok()) {
    return env.status();
  } else if (*env && !key.empty()) {
    s = **env;
  } else if (!ctx.config.default_upload_service.empty()) {
    s = FromConfig(ctx, ctx.config.default_upload_service);
  }
  if (!s.ok()) return s;
  if (s->reservoir) return absl::InvalidArgumentError("Reservoir does not accept uploads; use an S3 service");
  if (key.empty()) return absl::FailedPreconditionError("the LAKE_CACHE_KEY environment variable must be set to upload");
  s->key = key;
  return s;
}

namespace {

// The platform and toolchain parts of a repository or Reservoir package scope.
void AddPlatformToolchain(const LakeContext& ctx, const LakeArgs& args, const std::optional<PackageInfo>& package,
                          bool defaults_from_package, RemoteScope& out) {
  if (auto p = args.Value("platform")) {
    out.platform = *p;
  } else if (defaults_from_package && !(package && package->platform_independent.value_or(false))) {
    out.platform = HostPlatformTarget();
  }
  if (auto t = args.Value("toolchain")) {
    out.toolchain = *t;
  } else if (defaults_from_package && !(package && package->fixed_toolchain)) {
    absl::StatusOr<std::string> tc_file = fs::ReadFile((ctx.root / "lean-toolchain").string(), 4096);
    out.toolchain = ElanToolchain(ctx.env, tc_file.ok() ? std::optional(*tc_file) : std::nullopt);
  }
}

}  // namespace

absl::StatusOr<std::optional<RemoteScope>> SelectScope(const LakeContext& ctx, const LakeArgs& args,
                                                       const std::optional<PackageInfo>& package,
                                                       bool defaults_from_package, bool optional) {
  auto scope = args.Value("scope");
  auto repo = args.Value("repo");
  if (scope && repo) return absl::InvalidArgumentError("`--scope` and `--repo` cannot both be set");
  if (!scope && !repo) {
    if (optional) return std::optional<RemoteScope>();
    return absl::InvalidArgumentError("either `--scope` or `--repo` must be set");
  }
  RemoteScope out;
  out.repo = repo.has_value();
  out.value = repo ? *repo : *scope;
  if (out.value.empty()) return absl::InvalidArgumentError("the scope must not be empty");
  if (out.repo) AddPlatformToolchain(ctx, args, package, defaults_from_package, out);
  return std::optional<RemoteScope>(out);
}

absl::StatusOr<std::vector<Dependency>> WorkspaceDependencies(const LakeContext& ctx) {
  const std::filesystem::path file = ctx.root / "lake-manifest.json";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::vector<Dependency>();
  absl::StatusOr<workspace::Manifest> manifest = workspace::ReadManifest(file);
  if (!manifest.ok()) return manifest.status();
  std::vector<Dependency> out;
  for (const auto& p : manifest->packages) {
    std::filesystem::path dir(p.PackageDirText(manifest->packages_dir));
    if (dir.is_relative()) dir = ctx.root / dir;
    out.push_back({p.name, p.scope, dir.lexically_normal()});
  }
  return out;
}

absl::StatusOr<PackageTarget> SelectPackage(const LakeContext& ctx, const LakeArgs& args) {
  PackageTarget t;
  t.dir = ctx.root;
  if (auto p = args.Value("package")) {
    absl::StatusOr<std::vector<Dependency>> deps = WorkspaceDependencies(ctx);
    if (!deps.ok()) return deps.status();
    Dependency dep{*p, "", ctx.root / ".lake" / "packages" / *p};  // not in the manifest: the default dir
    for (const auto& d : *deps) {
      if (d.name == *p) dep = d;
    }
    absl::StatusOr<PackageTarget> target = DependencyTarget(dep);
    if (!target.ok()) {
      return absl::NotFoundError(absl::StrCat("unknown package '", *p, "': ", target.status().message()));
    }
    return target;
  }
  absl::StatusOr<PackageInfo> info = ReadPackageInfo(t.dir);
  if (!info.ok()) return info.status();
  t.info = *info;
  return t;
}

absl::StatusOr<PackageTarget> DependencyTarget(const Dependency& d) {
  absl::StatusOr<PackageInfo> info = ReadPackageInfo(d.dir);
  if (!info.ok()) return info.status();
  return PackageTarget{d.dir, *std::move(info), d.manifest_scope};
}

absl::StatusOr<RemoteScope> ReservoirPackageScope(const LakeContext& ctx, const LakeArgs& args,
                                                  const PackageTarget& pkg) {
  if (pkg.manifest_scope.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(pkg.info.name, ": not a Reservoir dependency"));
  }
  RemoteScope out;
  out.value = absl::StrCat(pkg.manifest_scope, "/", pkg.info.name);
  AddPlatformToolchain(ctx, args, pkg.info, /*defaults_from_package=*/true, out);
  return out;
}

absl::Status AttachSession(const sources::Config& daemon_config, const LakeContext& ctx, Service& service) {
  absl::StatusOr<std::shared_ptr<transfer::Session>> session = sources::MakeTransferSession(daemon_config, ctx.env);
  if (!session.ok()) return session.status();
  service.session = *std::move(session);
  return absl::OkStatus();
}

}  // namespace leancache::lake
