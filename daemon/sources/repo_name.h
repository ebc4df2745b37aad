#pragma once
// GitHub `owner/repo` names: the canonical Mathlib repositories, normalisation, and parsing a git
// remote URL (spec mathlib-cache.md §5.5, §14).

#include <optional>
#include <string>
#include <string_view>

namespace leancache::sources {

inline constexpr char kMathlibRepo[] = "leanprover-community/mathlib4";
inline constexpr char kNightlyTestingRepo[] =
    "leanprover-community/mathlib4-nightly-testing";

// The repo as it appears in a cache path: lowercased (GitHub names are case-insensitive, blob
// paths are not).
std::string NormalizeRepo(std::string_view repo);

// Whether `repo` is leanprover-community/mathlib4 (compared case-insensitively).
bool IsMathlibRepo(std::string_view repo);

// Whether `repo` is leanprover-community/mathlib4-nightly-testing (case-insensitive).
bool IsNightlyTestingRepo(std::string_view repo);

// Whether `repo` is one of the first-party repositories (mathlib4 or its nightly-testing twin).
// Only these are honoured when detected from the Mathlib checkout of a downstream project.
bool IsCanonicalRepo(std::string_view repo);

// Whether a git remote *name* is really a URL (`https://`, `http://`, `git@github.com:`), as after
// `gh pr checkout`; such a remote is parsed directly instead of asking `git remote get-url`.
bool IsRemoteUrl(std::string_view remote);

// extractRepoFromUrl: drop a trailing ".git", then return the text after the second-to-last '/'
// or ':'. "git@github.com:alice/mathlib4.git" and "https://github.com/alice/mathlib4" both give
// "alice/mathlib4". Returns nullopt when there are not two separators ("", "norepo").
std::optional<std::string> ExtractRepoFromUrl(std::string_view url);

}  // namespace leancache::sources
