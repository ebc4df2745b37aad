#include "daemon/sources/source_chain.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/sources/repo_name.h"

namespace leancache::sources {

namespace {

constexpr std::string_view kGetUrlVar = "MATHLIB_CACHE_GET_URL";
constexpr std::string_view kFromVar = "MATHLIB_CACHE_FROM";
constexpr std::string_view kScopeVar = "MATHLIB_CACHE_REPO_SCOPE";
constexpr std::string_view kBaseUrlVar = "MATHLIB_CACHE_BASE_URL";
constexpr std::string_view kUseLegacyVar = "MATHLIB_CACHE_DEBUG_USE_LEGACY";

// A flat round at an endpoint or mirror: {base}/f/{hash16}.ltar.
Round FlatRound(std::string label, const std::string& base, const std::string& repo) {
  Round r;
  r.label = std::move(label);
  r.repo = repo;
  r.base_url = base;
  r.url_prefix = base + "/f/";
  return r;
}

std::string HostFor(Container c, const Env& env, const Config& config) {
  if (EnvFlag(env, kUseLegacyVar)) return std::string(kAzureHost);
  if (std::optional<std::string> base = NonEmptyEnv(env, kBaseUrlVar)) {
    std::string host = StripTrailingSlashes(*base);
    if (!host.empty()) return host;
  }
  return c == Container::kMaster ? config.public_host : config.container_host;
}

Round ContainerRound(Container c, const std::string& repo, const std::optional<std::string>& scope,
                     const Env& env, const Config& config) {
  Round r;
  r.label = std::string(ContainerName(c));
  r.container = c;
  r.repo = repo;
  r.base_url = ContainerUrl(c, HostFor(c, env, config));
  if (!IsFlatPath(c, repo) && scope) r.scope = scope;
  std::string probe = MakeFileUrl(c, repo, r.base_url, "", r.scope);
  r.url_prefix = probe;  // MakeFileUrl with an empty file name ends in '/'
  r.forbidden_is_miss = c == Container::kLegacy;
  return r;
}

absl::Status CheckScope(const std::string& scope, std::string_view origin) {
  bool hex = !scope.empty() && scope.size() <= 64;
  for (char ch : scope) hex = hex && absl::ascii_isxdigit(static_cast<unsigned char>(ch));
  if (hex) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      absl::string_view(origin.data(), origin.size()), "=", scope,
      ": a scope must be a commit SHA (1 to 64 hexadecimal digits)"));
}

absl::Status RejectWithGetUrl(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      absl::string_view(what.data(), what.size()),
      " cannot be used with MATHLIB_CACHE_GET_URL: that variable selects the public-cache "
      "workflow, which reads one flat endpoint and has no container chain or per-commit scope"));
}


// The workflow and container list of rule (d), for a read with no explicit chain.
Workflow RepoDefault(const std::string& repo, bool has_scope, std::vector<Container>& containers) {
  if (IsMathlibRepo(repo) && !has_scope) {
    containers = {Container::kMaster};
    return Workflow::kPublicCache;
  }
  if (IsNightlyTestingRepo(repo)) {
    containers = {Container::kNightlyTesting, Container::kForks, Container::kLegacy};
    return Workflow::kNightly;
  }
  containers = {Container::kMaster, Container::kForks, Container::kLegacy};
  return Workflow::kDeveloperCache;
}

// Rules (c) and (d): the container rounds. Adds warnings to `chain.messages`.
absl::Status ContainerCore(const ChainRequest& request, const Env& env, const Config& config,
                           SourceChain& chain, std::vector<Round>& core) {
  const std::string& repo = request.repo;
  std::optional<std::vector<Container>> explicit_chain;
  if (request.cache_from_flag) {
    absl::StatusOr<std::vector<Container>> parsed = ParseCacheFromList(*request.cache_from_flag);
    if (!parsed.ok()) return parsed.status();
    explicit_chain = *std::move(parsed);
  } else if (std::optional<std::string> from = NonEmptyEnv(env, kFromVar)) {
    absl::StatusOr<std::vector<Container>> parsed = ParseCacheFromList(*from);
    if (parsed.ok()) {
      explicit_chain = *std::move(parsed);
    } else {
      chain.messages.push_back(Stderr(absl::StrCat(
          "Warning: ignoring MATHLIB_CACHE_FROM=", *from,
          " (unrecognized container name). Known containers: ", KnownContainerList(), ".")));
    }
  }

  std::optional<std::string> scope;
  if (request.scope_flag) {
    scope = TrimAscii(*request.scope_flag);
    if (absl::Status s = CheckScope(*scope, "--scope"); !s.ok()) return s;
  } else if (std::optional<std::string> env_scope = NonEmptyEnv(env, kScopeVar)) {
    scope = *env_scope;
    if (absl::Status s = CheckScope(*scope, kScopeVar); !s.ok()) return s;
  }

  std::vector<Container> containers;
  if (explicit_chain) {
    containers = *std::move(explicit_chain);
    chain.workflow = IsNightlyTestingRepo(repo) ? Workflow::kNightly : Workflow::kDeveloperCache;
  } else {
    chain.workflow = RepoDefault(repo, scope.has_value(), containers);
  }

  // Only forks has per-commit namespaces; with no explicit scope it reads the checked-out HEAD.
  std::optional<std::string> forks_scope = scope ? scope : request.head_sha;
  for (Container c : containers) {
    core.push_back(ContainerRound(c, repo, c == Container::kForks ? forks_scope : std::nullopt,
                                  env, config));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view WorkflowName(Workflow w) {
  switch (w) {
    case Workflow::kPublicCache: return "public cache";
    case Workflow::kDeveloperCache: return "developer cache";
    case Workflow::kNightly: return "nightly";
    case Workflow::kMirrors: return "mirrors";
  }
  return "?";
}

std::string Round::UrlTemplate() const { return url_prefix + "{hash16}.ltar"; }

std::string Round::FileUrl(std::string_view hash16) const {
  return absl::StrCat(url_prefix, absl::string_view(hash16.data(), hash16.size()), ".ltar");
}

std::string Round::AttemptMessage(size_t n) const {
  std::string msg =
      absl::StrCat("Attempting to download ", n, " file(s) from ", repo, " cache at ", base_url);
  if (scope) absl::StrAppend(&msg, " (scope ", *scope, ")");
  return msg;
}

absl::StatusOr<SourceChain> BuildSourceChain(const ChainRequest& request, const Env& env,
                                             const Config& config) {
  SourceChain chain;
  const std::string& repo = request.repo;
  std::vector<Round> core;

  std::vector<const Mirror*> replace;
  for (const Mirror& m : config.mirrors) {
    if (m.mode == MirrorMode::kReplace) replace.push_back(&m);
  }
  std::optional<std::string> get_url;
  if (std::optional<std::string> v = NonEmptyEnv(env, kGetUrlVar)) {
    get_url = StripTrailingSlashes(*v);
    if (get_url->empty()) get_url.reset();
  }

  if (!replace.empty()) {
    // (a) The daemon's configuration pins the sources.
    chain.workflow = Workflow::kMirrors;
    for (const Mirror* m : replace) core.push_back(FlatRound("mirror", m->url, repo));
    std::vector<std::string> ignored;
    if (get_url) ignored.emplace_back(kGetUrlVar);
    if (request.cache_from_flag) ignored.emplace_back("--cache-from");
    if (NonEmptyEnv(env, kFromVar)) ignored.emplace_back(kFromVar);
    for (const std::string& what : ignored) {
      chain.messages.push_back(Stderr(absl::StrCat("Note: ignoring ", what, ": ",
                                                   config.source.string(),
                                                   " replaces the download sources with its "
                                                   "mirrors")));
    }
  } else if (get_url) {
    // (b) A flat user endpoint.
    if (request.cache_from_flag) return RejectWithGetUrl("--cache-from");
    if (request.scope_flag) return RejectWithGetUrl("--scope");
    if (NonEmptyEnv(env, kFromVar)) return RejectWithGetUrl(kFromVar);
    if (NonEmptyEnv(env, kScopeVar)) return RejectWithGetUrl(kScopeVar);
    chain.workflow = Workflow::kPublicCache;
    core.push_back(FlatRound(std::string(kGetUrlVar), *get_url, repo));
  } else if (absl::Status s = ContainerCore(request, env, config, chain, core); !s.ok()) {
    // (c) / (d) Containers.
    return s;
  }

  chain.messages.insert(chain.messages.begin(),
                        Stdout("Cache workflow: " + std::string(WorkflowName(chain.workflow))));
  for (const Mirror& m : config.mirrors) {
    if (m.mode == MirrorMode::kPrepend) chain.rounds.push_back(FlatRound("mirror", m.url, repo));
  }
  for (Round& r : core) chain.rounds.push_back(std::move(r));
  for (const Mirror& m : config.mirrors) {
    if (m.mode == MirrorMode::kAppend) chain.rounds.push_back(FlatRound("mirror", m.url, repo));
  }
  return chain;
}

}  // namespace leancache::sources
