#include "daemon/pack/git_state.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/sources/command_runner.h"

namespace leancache::pack {
namespace {

constexpr std::chrono::seconds kGitTimeout{60};

absl::StatusOr<sources::CommandResult> RunGit(const std::vector<std::string>& argv,
                                              const std::filesystem::path& dir) {
  auto result = sources::RunCommand(argv, dir, kGitTimeout);
  if (!result.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(argv[0], " ", argv[1], " failed in ",
                                                      dir.string(), ": ", result.status().message()));
  }
  if (result->exit_code != 0 || !result->err.empty()) {
    std::string what = absl::StrCat(argv[1], argv.size() > 2 ? " " + argv[2] : "");
    std::string detail(absl::StripAsciiWhitespace(result->err));
    if (detail.empty()) detail = absl::StrCat("exit code ", result->exit_code);
    return absl::FailedPreconditionError(
        absl::StrCat("git ", what, " failed in ", dir.string(), ": ", detail));
  }
  return result;
}

}  // namespace

absl::StatusOr<std::string> GitHead(const std::filesystem::path& dir) {
  auto result = RunGit({"git", "rev-parse", "HEAD"}, dir);
  if (!result.ok()) return result.status();
  return std::string(absl::StripAsciiWhitespace(result->out));
}

absl::StatusOr<bool> WorkingTreeClean(const std::filesystem::path& dir) {
  auto result = RunGit({"git", "status", "--porcelain"}, dir);
  if (!result.ok()) return result.status();
  return result->out.empty();
}

}  // namespace leancache::pack
