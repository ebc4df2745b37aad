#include "daemon/sources/repo_detection.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/sources/command_runner.h"
#include "daemon/sources/env_value.h"
#include "daemon/sources/repo_name.h"

namespace leancache::sources {

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

absl::StatusOr<CommandResult> Git(const std::filesystem::path& dir, const GitOptions& git,
                                  std::vector<std::string> args) {
  args.insert(args.begin(), git.program);
  return RunCommand(args, dir, git.timeout);
}

// The three-line warning block of the original, one Message per line.
void Warn(Messages& msgs, const std::string& first, const std::string& context) {
  msgs.push_back(Stdout(first));
  msgs.push_back(Stdout(context));
  msgs.push_back(Stdout(absl::StrCat("Continuing to fetch the cache from ", kMathlibRepo, ".")));
}

bool IsNightlyBranch(std::string_view b) {
  return b == "nightly-testing" || StartsWith(b, "lean-pr-testing-") ||
         StartsWith(b, "batteries-pr-testing-") || StartsWith(b, "bump/");
}

// Detached HEAD at a `nightly-testing-*` tag, per `git name-rev --tags <sha>`, whose output is
// "<sha> tags/<name>[^0|~N]" or "<sha> undefined". (A tag reached only via `~N` ancestry also
// counts, as upstream: the name still starts with the tag.)
bool DetachedAtNightlyTag(const std::filesystem::path& dir, const GitOptions& git) {
  std::optional<std::string> sha = HeadSha(dir, git);
  if (!sha) return false;
  absl::StatusOr<CommandResult> r = Git(dir, git, {"name-rev", "--tags", *sha});
  if (!r.ok() || r->exit_code != 0) return false;
  std::vector<std::string> parts = absl::StrSplit(TrimAscii(r->out), ' ');
  if (parts.size() < 2) return false;
  // Upstream requires the "tags/" prefix; accept a bare tag name too, in case a git version
  // prints it that way.
  std::string_view name = parts[1];
  if (StartsWith(name, "tags/")) name.remove_prefix(5);
  return StartsWith(name, "nightly-testing-");
}

std::optional<std::string> RepoFromUrl(Messages& msgs, const std::string& url,
                                       const std::string& context) {
  if (std::optional<std::string> repo = ExtractRepoFromUrl(url)) return repo;
  Warn(msgs, absl::StrCat("Warning: Failed to extract repository from remote URL: ", url, "."),
       context);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> HeadSha(const std::filesystem::path& dir, const GitOptions& git) {
  absl::StatusOr<std::string> sha = ResolveGitRef(dir, "HEAD", git);
  if (!sha.ok() || sha->empty()) return std::nullopt;
  return *sha;
}

absl::StatusOr<std::string> ResolveGitRef(const std::filesystem::path& dir, const std::string& ref,
                                          const GitOptions& git) {
  absl::StatusOr<CommandResult> r = Git(dir, git, {"rev-parse", ref});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return absl::FailedPreconditionError(absl::StrCat("git rev-parse ", ref, " failed (exit code ",
                                                      r->exit_code, "):\n", TrimAscii(r->err)));
  }
  return TrimAscii(r->out);
}

std::string ResolveScopeFlag(const std::filesystem::path& dir, const std::string& ref,
                             const GitOptions& git) {
  std::string literal = TrimAscii(ref);
  absl::StatusOr<std::string> sha = ResolveGitRef(dir, literal, git);
  if (sha.ok() && !sha->empty()) return *sha;
  return literal;
}

RepoDetection DetectRepo(const std::filesystem::path& dir, const GitOptions& git) {
  RepoDetection d;
  Messages& msgs = d.messages;
  const std::string fallback = absl::StrCat("Using cache from ", kMathlibRepo, ".");

  absl::StatusOr<CommandResult> branch = Git(dir, git, {"rev-parse", "--abbrev-ref", "HEAD"});
  if (!branch.ok()) {
    // git is missing (or hung, or D is gone). The original swallows this silently; we say why.
    Warn(msgs,
         absl::StrCat("Warning: failed to run Git to determine Mathlib's repository: ",
                      branch.status().message()),
         "Ensure Git is installed and the 'origin' remote points to its GitHub repository.");
    msgs.push_back(Stdout(fallback));
    return d;
  }
  std::string raw_branch = TrimAscii(branch->out);
  if (branch->exit_code == 0) {
    std::string b = StartsWith(raw_branch, "heads/") ? raw_branch.substr(6) : raw_branch;
    d.branch = b;
    msgs.push_back(Stdout(absl::StrCat("Current branch: ", b)));
    bool nightly = IsNightlyBranch(b) || (b == "HEAD" && DetachedAtNightlyTag(dir, git));
    if (nightly) {
      d.repo = std::string(kNightlyTestingRepo);
      msgs.push_back(Stdout(
          absl::StrCat("Using cache from nightly-testing remote: ", kNightlyTestingRepo)));
      return d;
    }
  } else {
    raw_branch.clear();  // the original then asks for `branch..remote`, which fails -> origin
  }

  std::string remote = "origin";
  absl::StatusOr<CommandResult> tracking =
      Git(dir, git, {"config", "--get", absl::StrCat("branch.", raw_branch, ".remote")});
  if (tracking.ok() && tracking->exit_code == 0 && !TrimAscii(tracking->out).empty()) {
    remote = TrimAscii(tracking->out);
  }
  const std::string context = absl::StrCat("Ensure Git is installed and the '", remote,
                                           "' remote points to its GitHub repository.");

  std::optional<std::string> repo;
  if (IsRemoteUrl(remote)) {
    repo = RepoFromUrl(msgs, remote, context);
  } else {
    absl::StatusOr<CommandResult> url = Git(dir, git, {"remote", "get-url", remote});
    if (!url.ok() || url->exit_code != 0) {
      Warn(msgs,
           absl::StrCat("Warning: failed to run Git to determine Mathlib's repository from ",
                        remote, " remote"),
           context);
    } else {
      repo = RepoFromUrl(msgs, TrimAscii(url->out), context);
    }
  }
  if (repo) {
    msgs.push_back(Stdout(absl::StrCat("Using cache from ", remote, ": ", *repo)));
    d.repo = repo;
  } else {
    msgs.push_back(Stdout(fallback));
  }
  return d;
}

RepoResolution ResolveRepo(const std::filesystem::path& dir,
                           const std::optional<std::string>& repo_flag, bool is_mathlib_root,
                           const GitOptions& git) {
  RepoDetection d = DetectRepo(dir, git);
  RepoResolution r;
  r.detected = d.repo;
  r.messages = std::move(d.messages);
  if (repo_flag && !TrimAscii(*repo_flag).empty()) {
    r.repo = TrimAscii(*repo_flag);
    return r;
  }
  if (is_mathlib_root) {
    r.repo = d.repo.value_or(std::string(kMathlibRepo));
    return r;
  }
  r.repo = (d.repo && IsCanonicalRepo(*d.repo)) ? *d.repo : std::string(kMathlibRepo);
  if (d.repo && *d.repo != r.repo) {
    r.messages.push_back(Stdout(absl::StrCat("Dependency checkout points at ", *d.repo,
                                             "; a project using Mathlib reads the ", r.repo,
                                             " cache (pass --repo to override).")));
  }
  return r;
}

}  // namespace leancache::sources
