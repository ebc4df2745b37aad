#pragma once
// Which GitHub repository's cache a read is for, detected from the git checkout of the Mathlib
// directory D (spec mathlib-cache.md §5.5; M-2607 and M-late `Repo.lean`).
//
// Detection (all git commands run in D, no shell, with a timeout):
//  1. `git rev-parse --abbrev-ref HEAD`; a leading "heads/" is stripped; prints
//     "Current branch: {b}".
//  2. nightly-testing when b is "nightly-testing" or starts with "lean-pr-testing-",
//     "batteries-pr-testing-" or "bump/", or when b is "HEAD" (detached) and
//     `git name-rev --tags <HEAD sha>` names a tag starting with "nightly-testing-". Prints
//     "Using cache from nightly-testing remote: leanprover-community/mathlib4-nightly-testing".
//  3. else remote = `git config --get branch.{b}.remote`, or "origin"; a remote that is itself a
//     URL is parsed directly, else `git remote get-url {remote}`; the URL gives owner/repo
//     (ExtractRepoFromUrl). Prints "Using cache from {remote}: {repo}".
//  4. any failure prints a "Warning: …" block ending "Continuing to fetch the cache from
//     leanprover-community/mathlib4." then "Using cache from leanprover-community/mathlib4.".
//     Missing git, or D not being a git checkout, is never fatal.
// All of these lines go to stdout, as in the original (`IO.println`).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/sources/message.h"

namespace leancache::sources {

struct GitOptions {
  std::string program = "git";                    // looked up on PATH
  std::chrono::milliseconds timeout{10000};       // per git invocation
};

struct RepoDetection {
  std::optional<std::string> repo;    // what the checkout reports; nullopt = undetermined
  std::optional<std::string> branch;  // the branch name as printed (nullopt if git failed)
  Messages messages;                  // the user-visible lines, in order
};

// Detects the repository of the checkout at `dir` (steps 1-4 above). Never fails.
RepoDetection DetectRepo(const std::filesystem::path& dir, const GitOptions& git = {});

struct RepoResolution {
  std::string repo;                   // the repo the read uses
  std::optional<std::string> detected;  // what git reported (for "--repo overrides" notices)
  Messages messages;
};

// resolveRepo (M-late): runs DetectRepo on `dir`, then picks
//   * `repo_flag` (--repo=) if given;
//   * on a Mathlib checkout (`is_mathlib_root`, i.e. ./Mathlib exists in the project): the
//     detected repo, else mathlib4;
//   * in a downstream project: the detected repo only if canonical (mathlib4 or
//     mathlib4-nightly-testing), else mathlib4. When a detection is discarded this way it adds
//     "Dependency checkout points at X; a project using Mathlib reads the
//     leanprover-community/mathlib4 cache (pass --repo to override)." (stdout).
RepoResolution ResolveRepo(const std::filesystem::path& dir,
                           const std::optional<std::string>& repo_flag, bool is_mathlib_root,
                           const GitOptions& git = {});

// `git rev-parse {ref}` in `dir`: the full commit SHA. Errors: NotFound if git is missing,
// FailedPrecondition "git rev-parse {ref} failed (exit code N):\n{stderr}" otherwise.
absl::StatusOr<std::string> ResolveGitRef(const std::filesystem::path& dir, const std::string& ref,
                                          const GitOptions& git = {});

// The `--scope=REF` rule: ResolveGitRef(ref), falling back to the literal (trimmed) value when
// git cannot resolve it (e.g. a bare SHA outside a checkout).
std::string ResolveScopeFlag(const std::filesystem::path& dir, const std::string& ref,
                             const GitOptions& git = {});

// The checked-out commit (`git rev-parse HEAD`), or nullopt when unavailable.
std::optional<std::string> HeadSha(const std::filesystem::path& dir, const GitOptions& git = {});

}  // namespace leancache::sources
