#include "daemon/sources/container.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "daemon/sources/env_value.h"
#include "daemon/sources/repo_name.h"

namespace leancache::sources {

const std::vector<Container>& AllContainers() {
  static const std::vector<Container> kAll = {Container::kMaster, Container::kForks,
                                              Container::kNightlyTesting,
                                              Container::kPrToolchainTests, Container::kLegacy};
  return kAll;
}

std::string_view ContainerName(Container c) {
  switch (c) {
    case Container::kMaster: return "master";
    case Container::kForks: return "forks";
    case Container::kNightlyTesting: return "nightly-testing";
    case Container::kPrToolchainTests: return "pr-toolchain-tests";
    case Container::kLegacy: return "legacy";
  }
  return "?";
}

std::string_view ContainerSegment(Container c) {
  switch (c) {
    case Container::kMaster: return "mathlib4-master";
    case Container::kForks: return "mathlib4-forks";
    case Container::kNightlyTesting: return "mathlib4-nightly-testing";
    case Container::kPrToolchainTests: return "mathlib4-pr-toolchain-tests";
    case Container::kLegacy: return "mathlib4";
  }
  return "?";
}

std::optional<Container> ParseContainerName(std::string_view name) {
  for (Container c : AllContainers()) {
    std::string_view n = ContainerName(c);
    if (absl::EqualsIgnoreCase(absl::string_view(name.data(), name.size()),
                               absl::string_view(n.data(), n.size()))) {
      return c;
    }
  }
  return std::nullopt;
}

std::string KnownContainerList() {
  std::vector<std::string> names;
  for (Container c : AllContainers()) names.emplace_back(ContainerName(c));
  return absl::StrJoin(names, ", ");
}

std::string ContainerUrl(Container c, std::string_view host) {
  std::string_view seg = ContainerSegment(c);
  return absl::StrCat(absl::string_view(host.data(), host.size()), "/",
                      absl::string_view(seg.data(), seg.size()));
}

bool IsFlatPath(std::optional<Container> container, std::string_view repo) {
  if (!container) return IsMathlibRepo(repo);
  switch (*container) {
    case Container::kMaster: return true;
    case Container::kLegacy: return IsMathlibRepo(repo);
    default: return false;
  }
}

std::string MakeFileUrl(std::optional<Container> container, std::string_view repo,
                        std::string_view base, std::string_view file,
                        std::optional<std::string_view> scope) {
  std::string url(base);
  url += "/f/";
  if (!IsFlatPath(container, repo)) {
    url += NormalizeRepo(repo);
    url += '/';
    if (scope) {
      url.append(scope->data(), scope->size());
      url += '/';
    }
  }
  url.append(file.data(), file.size());
  return url;
}

std::string MarkerUrl(Container container, std::string_view repo, std::string_view sha,
                      std::string_view host) {
  return absl::StrCat(ContainerUrl(container, host), "/m/", NormalizeRepo(repo), "/",
                      absl::string_view(sha.data(), sha.size()));
}

std::vector<Container> DefaultReadChain(std::string_view repo) {
  if (IsMathlibRepo(repo)) return {Container::kMaster, Container::kLegacy};
  if (IsNightlyTestingRepo(repo)) {
    return {Container::kNightlyTesting, Container::kForks, Container::kLegacy};
  }
  return {Container::kMaster, Container::kForks, Container::kLegacy};
}

absl::StatusOr<std::vector<Container>> ParseCacheFromList(std::string_view list) {
  std::vector<Container> out;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(list.data(), list.size()), ',')) {
    std::optional<Container> c = ParseContainerName(TrimAscii(std::string_view(part.data(), part.size())));
    if (!c) {
      return absl::InvalidArgumentError(
          absl::StrCat("Unknown container name in --cache-from=",
                       absl::string_view(list.data(), list.size()),
                       ".\nKnown containers: ", KnownContainerList(), "."));
    }
    out.push_back(*c);
  }
  return out;
}

}  // namespace leancache::sources
