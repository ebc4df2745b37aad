#include "daemon/sources/get_sources.h"

#include "daemon/sources/env_value.h"

namespace leancache::sources {

namespace {

std::optional<std::string> Option(const std::map<std::string, std::string>& options,
                                  const std::string& name, bool blank_is_absent) {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  if (blank_is_absent && TrimAscii(it->second).empty()) return std::nullopt;
  return it->second;
}

bool HasUnscopedForksRound(const SourceChain& chain) {
  for (const Round& r : chain.rounds) {
    if (r.container == Container::kForks && !r.scope) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<GetSources> ResolveGetSources(const GetSourcesRequest& request,
                                             const Config& config, const GitOptions& git) {
  GetSources out;
  RepoResolution repo = ResolveRepo(request.mathlib_dir, Option(request.options, "repo", true),
                                    request.is_mathlib_root, git);
  out.repo = repo.repo;
  out.messages = std::move(repo.messages);

  ChainRequest chain_request;
  chain_request.repo = out.repo;
  // "--cache-from=" (empty) is kept: it is an invalid list, not an absent flag.
  chain_request.cache_from_flag = Option(request.options, "cache-from", false);
  if (std::optional<std::string> scope = Option(request.options, "scope", true)) {
    chain_request.scope_flag = ResolveScopeFlag(request.mathlib_dir, *scope, git);
  }

  absl::StatusOr<SourceChain> chain = BuildSourceChain(chain_request, request.env, config);
  if (!chain.ok()) return chain.status();
  if (HasUnscopedForksRound(*chain)) {
    chain_request.head_sha = HeadSha(request.mathlib_dir, git);
    if (chain_request.head_sha) {
      chain = BuildSourceChain(chain_request, request.env, config);
      if (!chain.ok()) return chain.status();
    }
  }
  out.chain = *std::move(chain);
  out.messages.insert(out.messages.end(), out.chain.messages.begin(), out.chain.messages.end());
  return out;
}

}  // namespace leancache::sources
