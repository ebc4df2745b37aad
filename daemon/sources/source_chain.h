#pragma once
// The ordered download rounds of a `get` (spec mathlib-cache.md §5.2, §5.3, §10).
//
// A round is one location tried for every file still missing after the previous rounds:
// {label, URL template for a hash16, whether 403 counts as a miss, optional scope}.
//
// Precedence (first that applies gives the "core" rounds):
//  a. config mirrors with mode "replace" (in file order): the core is exactly those mirrors.
//     MATHLIB_CACHE_GET_URL / --cache-from / MATHLIB_CACHE_FROM are then ignored (with a note).
//  b. MATHLIB_CACHE_GET_URL=U (trimmed, trailing '/' stripped, blank = unset): one flat round
//     `U/f/{hash16}.ltar` (M-late public-cache workflow). Combining it with --cache-from,
//     --scope, MATHLIB_CACHE_FROM or MATHLIB_CACHE_REPO_SCOPE is an error, as in M-late.
//  c. a container chain from --cache-from=LIST, else MATHLIB_CACHE_FROM (blank = unset; an
//     unknown name there only warns and is ignored, as upstream), read for the resolved repo.
//  d. repo-based default:
//       leanprover-community/mathlib4 (without --scope / MATHLIB_CACHE_REPO_SCOPE) -> public
//         flat layout: one round {public}/mathlib4-master/f/{hash16}.ltar;
//       leanprover-community/mathlib4-nightly-testing -> [nightly-testing, forks, legacy];
//       any other repo (a fork; also mathlib4 with a scope) -> [master, forks, legacy].
//     A downstream project reaches here with repo = mathlib4 unless its Mathlib checkout is on
//     nightly-testing or --repo says otherwise (see ResolveRepo).
// Then config mirrors with mode "prepend" go before the core and "append" ones after it, each a
// flat round `{mirror}/f/{hash16}.ltar`.
//
// Container rounds: URL = {host}/{segment}/{dir}/{hash16}.ltar with dir from MakeFileUrl. Only
// the `forks` round is scoped (M-late: nightly-testing and pr-toolchain-tests uploads are
// unscoped): at --scope / MATHLIB_CACHE_REPO_SCOPE, else at the checked-out HEAD when known.
// 403 is a miss only in `legacy` rounds.
//
// Hosts (all configurable in the config file, see config.h):
//   master                  -> public host, default https://cache.mathlib.org (the public
//                              resolver; per spec §5.2 the current public read host, Sept 2026 ->);
//   every other container   -> container host, default the Azure account
//                              https://lakecache.blob.core.windows.net (M-2607 §5.3). M-late reads
//                              `forks` from a developer host instead, which the spec gives as
//                              https://r2devcache.mathlib.org (Commands.lean@1147e868) or
//                              https://devcache.mathlib.org (WORKFLOWS.md@3e73aa7f) — unresolved
//                              (§15 q3), hence the Azure default; later upstream docs read nightly
//                              containers through the public resolver.
//   MATHLIB_CACHE_BASE_URL  -> replaces the host of every container (keeps the /mathlib4-* path);
//   MATHLIB_CACHE_DEBUG_USE_LEGACY=1|true -> every container from the Azure account (wins over
//                              MATHLIB_CACHE_BASE_URL).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/sources/config.h"
#include "daemon/sources/container.h"
#include "daemon/sources/env_value.h"
#include "daemon/sources/message.h"

namespace leancache::sources {

enum class Workflow { kPublicCache, kDeveloperCache, kNightly, kMirrors };

// "public cache", "developer cache", "nightly", "mirrors" (as in `Cache workflow: …`).
std::string_view WorkflowName(Workflow w);

struct Round {
  std::string label;                    // container name, "MATHLIB_CACHE_GET_URL" or "mirror"
  std::optional<Container> container;   // nullopt for endpoints and mirrors
  std::string repo;                     // the repo whose cache this is (for messages)
  std::string base_url;                 // container base URL or endpoint, no trailing '/'
  std::string url_prefix;               // FileUrl(h) = url_prefix + h + ".ltar"
  bool forbidden_is_miss = false;       // 403 counts as a miss (legacy only)
  std::optional<std::string> scope;     // per-commit scope of this round

  // "{url_prefix}{hash16}.ltar".
  std::string UrlTemplate() const;
  // The URL of the archive with key `hash16` (16 lowercase hex digits).
  std::string FileUrl(std::string_view hash16) const;
  // "Attempting to download {n} file(s) from {repo} cache at {base_url}[ (scope {sha})]".
  std::string AttemptMessage(size_t n) const;

  bool operator==(const Round&) const = default;
};

struct ChainRequest {
  std::string repo;                            // resolved repo (ResolveRepo, or --repo)
  std::optional<std::string> cache_from_flag;  // raw --cache-from= value, if given
  std::optional<std::string> scope_flag;       // --scope= value after ResolveScopeFlag
  std::optional<std::string> head_sha;         // HEAD of the Mathlib checkout, if known
};

struct SourceChain {
  Workflow workflow = Workflow::kPublicCache;
  std::vector<Round> rounds;  // in the order they are tried; never empty on success
  Messages messages;          // "Cache workflow: …", warnings and notes, in order
};

// Builds the rounds for `request` from the forwarded environment `env` and the daemon `config`
// (precedence above). Errors (InvalidArgument, with the user-facing text): a bad --cache-from
// list ("Unknown container name in --cache-from=…\nKnown containers: …"), a scope that is not
// 1-64 hex digits, a chain/scope setting combined with MATHLIB_CACHE_GET_URL.
absl::StatusOr<SourceChain> BuildSourceChain(const ChainRequest& request, const Env& env,
                                             const Config& config);

}  // namespace leancache::sources
