#include "daemon/sources/get_sources.h"

#include "daemon/sources/command_runner.h"
#include "gtest/gtest.h"
#include "temp_dir.h"

namespace leancache::sources {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

std::string Git(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  auto r = RunCommand(args, dir, 30s);
  EXPECT_TRUE(r.ok() && r->exit_code == 0) << args[1];
  if (!r.ok()) return "";
  std::string out = r->out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void InitRepo(const std::filesystem::path& dir, const std::string& origin) {
  Git(dir, {"init", "-q", "-b", "main"});
  Git(dir, {"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "-m", "first"});
  if (!origin.empty()) Git(dir, {"remote", "add", "origin", origin});
}

std::vector<std::string> Texts(const Messages& m) {
  std::vector<std::string> out;
  for (const Message& x : m) out.push_back(x.text);
  return out;
}

TEST(GetSources, ForkCheckoutReadsForksAtHead) {
  TempDir dir;
  InitRepo(dir.path(), "git@github.com:alice/mathlib4.git");
  std::string head = Git(dir.path(), {"rev-parse", "HEAD"});
  GetSourcesRequest req;
  req.mathlib_dir = dir.path();
  req.is_mathlib_root = true;
  auto s = ResolveGetSources(req, Config{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->repo, "alice/mathlib4");
  ASSERT_EQ(s->chain.rounds.size(), 3u);
  EXPECT_EQ(s->chain.rounds[1].scope, std::optional<std::string>(head));
  EXPECT_EQ(s->chain.rounds[1].FileUrl("00000000000000aa"),
            "https://lakecache.blob.core.windows.net/mathlib4-forks/f/alice/mathlib4/" + head +
                "/00000000000000aa.ltar");
  EXPECT_EQ(Texts(s->messages),
            (std::vector<std::string>{"Current branch: main",
                                      "Using cache from origin: alice/mathlib4",
                                      "Cache workflow: developer cache"}));
}

TEST(GetSources, DownstreamOfAForkReadsThePublicCache) {
  TempDir dir;
  InitRepo(dir.path(), "git@github.com:alice/mathlib4.git");
  GetSourcesRequest req;
  req.mathlib_dir = dir.path();
  req.is_mathlib_root = false;
  auto s = ResolveGetSources(req, Config{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->repo, "leanprover-community/mathlib4");
  ASSERT_EQ(s->chain.rounds.size(), 1u);
  EXPECT_EQ(s->chain.rounds[0].UrlTemplate(),
            "https://cache.mathlib.org/mathlib4-master/f/{hash16}.ltar");
  EXPECT_EQ(Texts(s->messages).back(), "Cache workflow: public cache");
}

TEST(GetSources, ScopeFlagIsResolvedWithGit) {
  TempDir dir;
  InitRepo(dir.path(), "https://github.com/leanprover-community/mathlib4.git");
  std::string head = Git(dir.path(), {"rev-parse", "HEAD"});
  Git(dir.path(), {"tag", "pr-build"});
  GetSourcesRequest req;
  req.mathlib_dir = dir.path();
  req.is_mathlib_root = true;
  req.options = {{"scope", "pr-build"}, {"cache-from", "forks"}};
  auto s = ResolveGetSources(req, Config{});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->chain.rounds.size(), 1u);
  EXPECT_EQ(s->chain.rounds[0].scope, std::optional<std::string>(head));
}

TEST(GetSources, RepoOptionAndErrorsPassThrough) {
  TempDir dir;  // not a git checkout
  GetSourcesRequest req;
  req.mathlib_dir = dir.path();
  req.options = {{"repo", "bob/mathlib4"}, {"cache-from", ""}};
  auto bad = ResolveGetSources(req, Config{});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  req.options = {{"repo", "bob/mathlib4"}};
  auto s = ResolveGetSources(req, Config{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->repo, "bob/mathlib4");
  EXPECT_EQ(s->chain.rounds.size(), 3u);
  EXPECT_FALSE(s->chain.rounds[1].scope.has_value());  // no HEAD outside a checkout
}

}  // namespace
}  // namespace leancache::sources
