#include "daemon/sources/repo_name.h"

#include "absl/strings/match.h"
#include "daemon/sources/env_value.h"

namespace leancache::sources {

namespace {
bool SameRepo(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
}  // namespace

std::string NormalizeRepo(std::string_view repo) { return AsciiLower(repo); }

bool IsMathlibRepo(std::string_view repo) { return SameRepo(repo, kMathlibRepo); }

bool IsNightlyTestingRepo(std::string_view repo) { return SameRepo(repo, kNightlyTestingRepo); }

bool IsCanonicalRepo(std::string_view repo) {
  return IsMathlibRepo(repo) || IsNightlyTestingRepo(repo);
}

bool IsRemoteUrl(std::string_view remote) {
  return StartsWith(remote, "https://") || StartsWith(remote, "http://") ||
         StartsWith(remote, "git@github.com:");
}

std::optional<std::string> ExtractRepoFromUrl(std::string_view url) {
  constexpr std::string_view kGit = ".git";
  if (url.size() >= kGit.size() && url.substr(url.size() - kGit.size()) == kGit) {
    url.remove_suffix(kGit.size());
  }
  size_t last = url.rfind('/');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view head = url.substr(0, last);
  size_t sep = head.find_last_of("/:");
  if (sep == std::string_view::npos) return std::nullopt;
  return std::string(url.substr(sep + 1));
}

}  // namespace leancache::sources
