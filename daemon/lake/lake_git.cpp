#include "daemon/lake/lake_git.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/sources/command_runner.h"

namespace leancache::lake {
namespace {

constexpr std::chrono::seconds kGitTimeout{30};

absl::StatusOr<std::string> Git(const std::filesystem::path& dir, std::vector<std::string> argv) {
  argv.insert(argv.begin(), "git");
  absl::StatusOr<sources::CommandResult> r = sources::RunCommand(argv, dir, kGitTimeout);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return absl::FailedPreconditionError(absl::StrCat("git ", argv[1], " failed in ", dir.string(), ": ",
                                                      absl::StripAsciiWhitespace(r->err)));
  }
  return r->out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> HeadRevisions(const std::filesystem::path& dir, size_t max_revs) {
  std::vector<std::string> argv = {"rev-list", "HEAD"};
  if (max_revs != 0) {
    argv.push_back("-n");
    argv.push_back(std::to_string(max_revs));
  }
  absl::StatusOr<std::string> out = Git(dir, argv);
  if (!out.ok()) return out.status();
  std::vector<std::string> revs;
  for (absl::string_view line : absl::StrSplit(*out, '\n', absl::SkipWhitespace())) {
    revs.emplace_back(absl::StripAsciiWhitespace(line));
  }
  return revs;
}

absl::StatusOr<std::string> ResolveRevision(const std::filesystem::path& dir, const std::string& rev) {
  absl::StatusOr<std::string> out = Git(dir, {"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
  if (!out.ok()) return absl::NotFoundError(absl::StrCat("unknown revision '", rev, "' in ", dir.string()));
  return std::string(absl::StripAsciiWhitespace(*out));
}

absl::StatusOr<bool> HasChanges(const std::filesystem::path& dir) {
  absl::StatusOr<std::string> out = Git(dir, {"status", "--porcelain", "--untracked-files=no"});
  if (!out.ok()) return out.status();
  return !absl::StripAsciiWhitespace(*out).empty();
}

}  // namespace leancache::lake
