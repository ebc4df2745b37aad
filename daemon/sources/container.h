#pragma once
// The trust-classified cache containers of Mathlib's multi-container layout and the URL rules that
// go with them (spec mathlib-cache.md §5.2, §5.3, §7.1, §14).
//
// A container is a namespace `/{segment}` on a cache host. Files live under `f/`, per-commit
// markers under `m/`:
//   file   = {host}/{segment}/{dir}/{hash16}.ltar     dir = f | f/{lower repo} | f/{lower repo}/{sha}
//   marker = {host}/{segment}/m/{lower repo}/{sha}

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::sources {

enum class Container { kMaster, kForks, kNightlyTesting, kPrToolchainTests, kLegacy };

// The Azure storage account that holds every container (M-2607). Still the origin behind the
// public resolver; `MATHLIB_CACHE_DEBUG_USE_LEGACY` reads from it directly.
inline constexpr std::string_view kAzureHost = "https://lakecache.blob.core.windows.net";

// Every container, in declaration order (also the order of the "Known containers" list).
const std::vector<Container>& AllContainers();

// The user-facing name: master, forks, nightly-testing, pr-toolchain-tests, legacy.
std::string_view ContainerName(Container c);

// The URL path segment: "mathlib4-{name}", except legacy which is the bare "mathlib4".
std::string_view ContainerSegment(Container c);

// Parses a container name case-insensitively ("Master" -> master). nullopt for anything else,
// including "" (no trimming here; see ParseCacheFromList).
std::optional<Container> ParseContainerName(std::string_view name);

// "master, forks, nightly-testing, pr-toolchain-tests, legacy".
std::string KnownContainerList();

// The container's base URL on `host` (no trailing slash): "{host}/{segment}".
// With the default host this is the M-2607 `azureURL`.
std::string ContainerUrl(Container c, std::string_view host = kAzureHost);

// flatPath: whether files of `repo` sit directly under `f/` in `container`. master is always
// flat; legacy is flat only for mathlib4; the others never are. With no container (a user
// endpoint, M-2607 rules) the path is flat iff repo is mathlib4.
bool IsFlatPath(std::optional<Container> container, std::string_view repo);

// mkFileURL: `{base}/{dir}/{file}` where dir is "f" on a flat path, else "f/{lower repo}", plus
// "/{scope}" when a scope is given (a scope is ignored on flat paths). `base` is the container's
// base URL (or a user endpoint when `container` is nullopt); `file` is e.g. "0123…cdef.ltar".
std::string MakeFileUrl(std::optional<Container> container, std::string_view repo,
                        std::string_view base, std::string_view file,
                        std::optional<std::string_view> scope = std::nullopt);

// markerURL: "{ContainerUrl(container, host)}/m/{lower repo}/{sha}".
std::string MarkerUrl(Container container, std::string_view repo, std::string_view sha,
                      std::string_view host = kAzureHost);

// M-2607 `defaultContainersForRepo`: mathlib4 -> [master, legacy]; mathlib4-nightly-testing ->
// [nightly-testing, forks, legacy]; any other repo -> [master, forks, legacy].
std::vector<Container> DefaultReadChain(std::string_view repo);

// Parses a `--cache-from` / MATHLIB_CACHE_FROM list: comma-separated names, whitespace around
// each tolerated, order kept. One unknown or empty name rejects the whole list; so does "".
// Error (InvalidArgument): "Unknown container name in --cache-from={list}.\nKnown containers:
// master, forks, nightly-testing, pr-toolchain-tests, legacy." (the original's text).
absl::StatusOr<std::vector<Container>> ParseCacheFromList(std::string_view list);

}  // namespace leancache::sources
