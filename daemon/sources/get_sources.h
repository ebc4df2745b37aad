#pragma once
// One call that turns a `get` request into its download rounds: repository detection in the
// Mathlib directory, --scope resolution, HEAD lookup for the forks round, then BuildSourceChain.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/sources/config.h"
#include "daemon/sources/message.h"
#include "daemon/sources/repo_detection.h"
#include "daemon/sources/source_chain.h"

namespace leancache::sources {

struct GetSourcesRequest {
  std::filesystem::path mathlib_dir;  // D: the Mathlib checkout (project root or its dependency)
  bool is_mathlib_root = false;       // the project itself is Mathlib (./Mathlib exists)
  // Options as forwarded by the client, names without dashes; only "repo", "cache-from" and
  // "scope" are read here (an empty "repo" or "scope" value counts as absent).
  std::map<std::string, std::string> options;
  Env env;                            // the client's forwarded environment
};

struct GetSources {
  std::string repo;         // the repo the read is for
  SourceChain chain;        // rounds in order; chain.messages are also in `messages`
  Messages messages;        // detection lines, then "Cache workflow: …" and chain warnings
};

// Runs ResolveRepo(D, --repo, is_mathlib_root); resolves --scope with ResolveScopeFlag; looks up
// HEAD only when a forks round would otherwise be unscoped; builds the chain. Errors are those of
// BuildSourceChain (bad --cache-from, bad scope, conflicts with MATHLIB_CACHE_GET_URL); git
// problems never fail the call.
absl::StatusOr<GetSources> ResolveGetSources(const GetSourcesRequest& request,
                                             const Config& config, const GitOptions& git = {});

}  // namespace leancache::sources
