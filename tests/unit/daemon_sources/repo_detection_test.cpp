#include "daemon/sources/repo_detection.h"

#include "daemon/sources/command_runner.h"
#include "gtest/gtest.h"
#include "temp_dir.h"

namespace leancache::sources {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A real git repository in a temporary directory, with one commit on branch `main`.
class GitRepo {
 public:
  GitRepo() {
    Git({"init", "-q", "-b", "main"});
    Git({"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         "commit", "-q", "--allow-empty", "-m", "first"});
  }
  const std::filesystem::path& path() const { return dir_.path(); }

  // Runs git in the repository; the test fails if it exits nonzero. Returns trimmed stdout.
  std::string Git(std::vector<std::string> args) const {
    args.insert(args.begin(), "git");
    auto r = RunCommand(args, dir_.path(), 30s);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    EXPECT_EQ(r->exit_code, 0) << args[1] << ": " << r->err;
    std::string out = r->out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

 private:
  TempDir dir_;
};

std::vector<std::string> Texts(const Messages& msgs) {
  std::vector<std::string> out;
  for (const Message& m : msgs) {
    EXPECT_EQ(m.stream, Message::Stream::kStdout) << m.text;
    out.push_back(m.text);
  }
  return out;
}

const std::vector<std::string> kOriginWarning = {
    "Warning: failed to run Git to determine Mathlib's repository from origin remote",
    "Ensure Git is installed and the 'origin' remote points to its GitHub repository.",
    "Continuing to fetch the cache from leanprover-community/mathlib4.",
    "Using cache from leanprover-community/mathlib4."};

TEST(RepoDetection, ForkFromOriginSshUrl) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.repo, std::optional<std::string>("alice/mathlib4"));
  EXPECT_EQ(d.branch, std::optional<std::string>("main"));
  EXPECT_EQ(Texts(d.messages), (std::vector<std::string>{"Current branch: main",
                                                        "Using cache from origin: alice/mathlib4"}));
}

TEST(RepoDetection, TrackedRemoteOfTheBranchWins) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  repo.Git({"remote", "add", "upstream", "https://github.com/bob/mathlib4"});
  repo.Git({"checkout", "-q", "-b", "feature"});
  repo.Git({"config", "branch.feature.remote", "upstream"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.repo, std::optional<std::string>("bob/mathlib4"));
  EXPECT_EQ(Texts(d.messages), (std::vector<std::string>{
                                   "Current branch: feature",
                                   "Using cache from upstream: bob/mathlib4"}));
}

TEST(RepoDetection, RemoteThatIsAUrlIsParsedDirectly) {
  GitRepo repo;  // no remotes at all: only the URL in the branch config can answer
  repo.Git({"config", "branch.main.remote", "https://github.com/carol/mathlib4.git"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.repo, std::optional<std::string>("carol/mathlib4"));
  EXPECT_EQ(Texts(d.messages).back(),
            "Using cache from https://github.com/carol/mathlib4.git: carol/mathlib4");
}

TEST(RepoDetection, NightlyBranchNames) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  for (std::string b : {"nightly-testing", "lean-pr-testing-1234", "batteries-pr-testing-56",
                        "bump/v4.33.0"}) {
    repo.Git({"checkout", "-q", "-B", b});
    RepoDetection d = DetectRepo(repo.path());
    EXPECT_EQ(d.repo, std::optional<std::string>("leanprover-community/mathlib4-nightly-testing"))
        << b;
    EXPECT_EQ(Texts(d.messages),
              (std::vector<std::string>{
                  "Current branch: " + b,
                  "Using cache from nightly-testing remote: "
                  "leanprover-community/mathlib4-nightly-testing"}))
        << b;
  }
  // Near misses are ordinary branches.
  for (std::string b : {"nightly-testing-fix", "lean-pr-testing", "bumpy"}) {
    repo.Git({"checkout", "-q", "-B", b});
    EXPECT_EQ(DetectRepo(repo.path()).repo, std::optional<std::string>("alice/mathlib4")) << b;
  }
}

TEST(RepoDetection, DetachedAtNightlyTag) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  repo.Git({"tag", "nightly-testing-2026-01-01"});
  repo.Git({"checkout", "-q", "--detach", "nightly-testing-2026-01-01"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.repo, std::optional<std::string>("leanprover-community/mathlib4-nightly-testing"));
  EXPECT_EQ(Texts(d.messages),
            (std::vector<std::string>{"Current branch: HEAD",
                                      "Using cache from nightly-testing remote: "
                                      "leanprover-community/mathlib4-nightly-testing"}));
}

TEST(RepoDetection, DetachedBelowANightlyTagCountsToo) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  std::string first = repo.Git({"rev-parse", "HEAD"});
  repo.Git({"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "-m", "second"});
  repo.Git({"tag", "nightly-testing-2026-02-02"});
  repo.Git({"checkout", "-q", "--detach", first});  // name-rev: tags/nightly-testing-…~1
  EXPECT_EQ(DetectRepo(repo.path()).repo,
            std::optional<std::string>("leanprover-community/mathlib4-nightly-testing"));
}

TEST(RepoDetection, DetachedAtOtherTagUsesOrigin) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  repo.Git({"tag", "v4.1.0"});
  repo.Git({"checkout", "-q", "--detach", "v4.1.0"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.repo, std::optional<std::string>("alice/mathlib4"));
  EXPECT_EQ(Texts(d.messages), (std::vector<std::string>{"Current branch: HEAD",
                                                        "Using cache from origin: alice/mathlib4"}));
}

TEST(RepoDetection, DetachedWithoutTagUsesOrigin) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "https://github.com/leanprover-community/mathlib4.git"});
  repo.Git({"checkout", "-q", "--detach", "HEAD"});
  EXPECT_EQ(DetectRepo(repo.path()).repo,
            std::optional<std::string>("leanprover-community/mathlib4"));
}

TEST(RepoDetection, AmbiguousBranchNameLosesHeadsPrefix) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  repo.Git({"tag", "main"});  // now `--abbrev-ref HEAD` answers "heads/main"
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_EQ(d.branch, std::optional<std::string>("main"));
  EXPECT_EQ(Texts(d.messages).front(), "Current branch: main");
  EXPECT_EQ(d.repo, std::optional<std::string>("alice/mathlib4"));
}

TEST(RepoDetection, NoRemoteWarnsAndFallsBack) {
  GitRepo repo;
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_FALSE(d.repo.has_value());
  std::vector<std::string> expected = {"Current branch: main"};
  expected.insert(expected.end(), kOriginWarning.begin(), kOriginWarning.end());
  EXPECT_EQ(Texts(d.messages), expected);
}

TEST(RepoDetection, UnparsableRemoteUrlWarns) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "norepo"});
  RepoDetection d = DetectRepo(repo.path());
  EXPECT_FALSE(d.repo.has_value());
  EXPECT_EQ(Texts(d.messages),
            (std::vector<std::string>{
                "Current branch: main",
                "Warning: Failed to extract repository from remote URL: norepo.",
                "Ensure Git is installed and the 'origin' remote points to its GitHub repository.",
                "Continuing to fetch the cache from leanprover-community/mathlib4.",
                "Using cache from leanprover-community/mathlib4."}));
}

TEST(RepoDetection, NotAGitRepository) {
  TempDir dir;
  RepoDetection d = DetectRepo(dir.path());
  EXPECT_FALSE(d.repo.has_value());
  EXPECT_FALSE(d.branch.has_value());
  EXPECT_EQ(Texts(d.messages), kOriginWarning);
}

TEST(RepoDetection, MissingGitIsNotFatal) {
  GitRepo repo;
  GitOptions git;
  git.program = "/nonexistent/bin/git";
  RepoDetection d = DetectRepo(repo.path(), git);
  EXPECT_FALSE(d.repo.has_value());
  std::vector<std::string> texts = Texts(d.messages);
  ASSERT_EQ(texts.size(), 4u);
  EXPECT_EQ(texts[0].rfind("Warning: failed to run Git", 0), 0u) << texts[0];
  EXPECT_EQ(texts[2], "Continuing to fetch the cache from leanprover-community/mathlib4.");
  EXPECT_EQ(texts[3], "Using cache from leanprover-community/mathlib4.");
}

TEST(ResolveRepo, DownstreamForkBecomesMathlibWithANote) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  RepoResolution r = ResolveRepo(repo.path(), std::nullopt, /*is_mathlib_root=*/false);
  EXPECT_EQ(r.repo, "leanprover-community/mathlib4");
  EXPECT_EQ(r.detected, std::optional<std::string>("alice/mathlib4"));
  EXPECT_EQ(Texts(r.messages).back(),
            "Dependency checkout points at alice/mathlib4; a project using Mathlib reads the "
            "leanprover-community/mathlib4 cache (pass --repo to override).");
}

TEST(ResolveRepo, DownstreamKeepsCanonicalDetections) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "https://github.com/leanprover-community/mathlib4"});
  repo.Git({"checkout", "-q", "-b", "nightly-testing"});
  RepoResolution r = ResolveRepo(repo.path(), std::nullopt, false);
  EXPECT_EQ(r.repo, "leanprover-community/mathlib4-nightly-testing");
  EXPECT_EQ(Texts(r.messages).size(), 2u);  // no note
}

TEST(ResolveRepo, MathlibRootUsesTheFork) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  RepoResolution r = ResolveRepo(repo.path(), std::nullopt, /*is_mathlib_root=*/true);
  EXPECT_EQ(r.repo, "alice/mathlib4");
  EXPECT_EQ(Texts(r.messages).size(), 2u);
}

TEST(ResolveRepo, RepoFlagWinsButDetectionStillRuns) {
  GitRepo repo;
  repo.Git({"remote", "add", "origin", "git@github.com:alice/mathlib4.git"});
  RepoResolution r = ResolveRepo(repo.path(), std::string(" bob/mathlib4 "), false);
  EXPECT_EQ(r.repo, "bob/mathlib4");
  EXPECT_EQ(r.detected, std::optional<std::string>("alice/mathlib4"));
  EXPECT_EQ(Texts(r.messages).back(), "Using cache from origin: alice/mathlib4");
}

TEST(ResolveRepo, NoDetectionFallsBackToMathlib) {
  TempDir dir;
  RepoResolution r = ResolveRepo(dir.path(), std::nullopt, true);
  EXPECT_EQ(r.repo, "leanprover-community/mathlib4");
  EXPECT_FALSE(r.detected.has_value());
}

TEST(GitRefs, HeadShaAndScopeResolution) {
  GitRepo repo;
  std::string head = repo.Git({"rev-parse", "HEAD"});
  ASSERT_EQ(head.size(), 40u);
  EXPECT_EQ(HeadSha(repo.path()), std::optional<std::string>(head));
  repo.Git({"tag", "v1"});
  EXPECT_EQ(ResolveScopeFlag(repo.path(), "v1"), head);
  EXPECT_EQ(ResolveScopeFlag(repo.path(), head.substr(0, 10)), head);
  // An unknown ref (or no checkout) falls back to the literal value.
  EXPECT_EQ(ResolveScopeFlag(repo.path(), " deadbeef "), "deadbeef");
  TempDir plain;
  EXPECT_EQ(ResolveScopeFlag(plain.path(), "abc123"), "abc123");
  EXPECT_FALSE(HeadSha(plain.path()).has_value());
  auto err = ResolveGitRef(plain.path(), "HEAD");
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("git rev-parse HEAD failed (exit code 128)"),
            absl::string_view::npos)
      << err.status();
}

}  // namespace
}  // namespace leancache::sources
