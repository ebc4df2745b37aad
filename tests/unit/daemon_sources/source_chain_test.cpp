#include "daemon/sources/source_chain.h"

#include "gtest/gtest.h"

namespace leancache::sources {
namespace {

constexpr char kH[] = "0123456789abcdef";
constexpr char kA[] = "https://lakecache.blob.core.windows.net";
constexpr char kSha[] = "5a3c7e9a2f8c1d6b4e0f9a2c3d4e5f6a7b8c9d0e";

ChainRequest Req(std::string repo) {
  ChainRequest r;
  r.repo = std::move(repo);
  return r;
}

SourceChain Build(const ChainRequest& req, const Env& env = {}, const Config& cfg = {}) {
  absl::StatusOr<SourceChain> chain = BuildSourceChain(req, env, cfg);
  EXPECT_TRUE(chain.ok()) << chain.status();
  return chain.ok() ? *chain : SourceChain{};
}

std::vector<std::string> Urls(const SourceChain& c) {
  std::vector<std::string> out;
  for (const Round& r : c.rounds) out.push_back(r.FileUrl(kH));
  return out;
}

std::vector<std::string> Labels(const SourceChain& c) {
  std::vector<std::string> out;
  for (const Round& r : c.rounds) out.push_back(r.label);
  return out;
}

Config WithMirrors(std::vector<Mirror> mirrors) {
  Config c;
  c.mirrors = std::move(mirrors);
  c.source = "/home/u/.config/leancache/config.json";
  return c;
}

TEST(SourceChain, CanonicalRepoReadsThePublicFlatLayout) {
  SourceChain c = Build(Req("leanprover-community/mathlib4"));
  EXPECT_EQ(c.workflow, Workflow::kPublicCache);
  EXPECT_EQ(Urls(c), std::vector<std::string>{
                         "https://cache.mathlib.org/mathlib4-master/f/0123456789abcdef.ltar"});
  ASSERT_EQ(c.rounds.size(), 1u);
  EXPECT_FALSE(c.rounds[0].forbidden_is_miss);
  EXPECT_EQ(c.rounds[0].UrlTemplate(),
            "https://cache.mathlib.org/mathlib4-master/f/{hash16}.ltar");
  ASSERT_FALSE(c.messages.empty());
  EXPECT_EQ(c.messages[0], Stdout("Cache workflow: public cache"));
  EXPECT_EQ(c.rounds[0].AttemptMessage(12),
            "Attempting to download 12 file(s) from leanprover-community/mathlib4 cache at "
            "https://cache.mathlib.org/mathlib4-master");
}

TEST(SourceChain, BaseUrlReplacesThePublicHost) {
  SourceChain c = Build(Req("leanprover-community/mathlib4"),
                        {{"MATHLIB_CACHE_BASE_URL", " https://proxy.example/c/ "}});
  EXPECT_EQ(Urls(c), std::vector<std::string>{
                         "https://proxy.example/c/mathlib4-master/f/0123456789abcdef.ltar"});
}

TEST(SourceChain, DebugUseLegacyReadsAzureDirectly) {
  for (std::string v : {"1", "true", "TRUE"}) {
    SourceChain c = Build(Req("leanprover-community/mathlib4"),
                          {{"MATHLIB_CACHE_DEBUG_USE_LEGACY", v},
                           {"MATHLIB_CACHE_BASE_URL", "https://proxy.example"}});
    EXPECT_EQ(Urls(c), std::vector<std::string>{std::string(kA) +
                                                "/mathlib4-master/f/0123456789abcdef.ltar"});
  }
  SourceChain off = Build(Req("leanprover-community/mathlib4"),
                          {{"MATHLIB_CACHE_DEBUG_USE_LEGACY", "0"}});
  EXPECT_EQ(off.rounds[0].base_url, "https://cache.mathlib.org/mathlib4-master");
}

TEST(SourceChain, ForkReadsMasterThenForksThenLegacy) {
  ChainRequest r = Req("alice/mathlib4");
  r.head_sha = kSha;
  SourceChain c = Build(r);
  EXPECT_EQ(c.workflow, Workflow::kDeveloperCache);
  EXPECT_EQ(Labels(c), (std::vector<std::string>{"master", "forks", "legacy"}));
  EXPECT_EQ(Urls(c),
            (std::vector<std::string>{
                "https://cache.mathlib.org/mathlib4-master/f/0123456789abcdef.ltar",
                std::string(kA) + "/mathlib4-forks/f/alice/mathlib4/" + kSha +
                    "/0123456789abcdef.ltar",
                std::string(kA) + "/mathlib4/f/alice/mathlib4/0123456789abcdef.ltar"}));
  EXPECT_FALSE(c.rounds[0].forbidden_is_miss);
  EXPECT_FALSE(c.rounds[1].forbidden_is_miss);
  EXPECT_TRUE(c.rounds[2].forbidden_is_miss);
  EXPECT_EQ(c.rounds[1].scope, std::optional<std::string>(kSha));
  EXPECT_FALSE(c.rounds[0].scope.has_value());
  EXPECT_FALSE(c.rounds[2].scope.has_value());
  EXPECT_EQ(c.rounds[1].AttemptMessage(3),
            std::string("Attempting to download 3 file(s) from alice/mathlib4 cache at ") + kA +
                "/mathlib4-forks (scope " + kSha + ")");
  EXPECT_EQ(c.messages[0], Stdout("Cache workflow: developer cache"));
}

TEST(SourceChain, ForkWithoutHeadIsUnscopedAndLowercased) {
  SourceChain c = Build(Req("Alice/Mathlib4"));
  EXPECT_EQ(c.rounds[1].FileUrl(kH),
            std::string(kA) + "/mathlib4-forks/f/alice/mathlib4/0123456789abcdef.ltar");
  EXPECT_FALSE(c.rounds[1].scope.has_value());
}

TEST(SourceChain, NightlyTestingReadsItsChainFromTheContainerHost) {
  ChainRequest r = Req("leanprover-community/mathlib4-nightly-testing");
  r.head_sha = kSha;
  SourceChain c = Build(r);
  EXPECT_EQ(c.workflow, Workflow::kNightly);
  EXPECT_EQ(Labels(c), (std::vector<std::string>{"nightly-testing", "forks", "legacy"}));
  EXPECT_EQ(c.rounds[0].FileUrl(kH),
            std::string(kA) +
                "/mathlib4-nightly-testing/f/leanprover-community/mathlib4-nightly-testing/"
                "0123456789abcdef.ltar");
  EXPECT_FALSE(c.rounds[0].scope.has_value());  // only forks is scoped
  EXPECT_EQ(c.rounds[1].scope, std::optional<std::string>(kSha));
  EXPECT_TRUE(c.rounds[2].forbidden_is_miss);
}

TEST(SourceChain, ConfiguredHostsAreUsed) {
  Config cfg;
  cfg.public_host = "https://pub.example";
  cfg.container_host = "https://r2devcache.mathlib.org";
  SourceChain c = Build(Req("alice/mathlib4"), {}, cfg);
  EXPECT_EQ(c.rounds[0].base_url, "https://pub.example/mathlib4-master");
  EXPECT_EQ(c.rounds[1].base_url, "https://r2devcache.mathlib.org/mathlib4-forks");
  // MATHLIB_CACHE_BASE_URL rebases every container.
  SourceChain b = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_BASE_URL", "https://b.example"}},
                        cfg);
  EXPECT_EQ(b.rounds[0].base_url, "https://b.example/mathlib4-master");
  EXPECT_EQ(b.rounds[1].base_url, "https://b.example/mathlib4-forks");
  EXPECT_EQ(b.rounds[2].base_url, "https://b.example/mathlib4");
}

TEST(SourceChain, GetUrlIsOneFlatRoundWhateverTheRepo) {
  for (std::string repo : {"leanprover-community/mathlib4", "alice/mathlib4",
                           "leanprover-community/mathlib4-nightly-testing"}) {
    ChainRequest r = Req(repo);
    r.head_sha = kSha;
    SourceChain c = Build(r, {{"MATHLIB_CACHE_GET_URL", "  https://my.mirror/cache//  "}});
    EXPECT_EQ(c.workflow, Workflow::kPublicCache);
    EXPECT_EQ(Urls(c), std::vector<std::string>{"https://my.mirror/cache/f/0123456789abcdef.ltar"})
        << repo;
    EXPECT_EQ(c.rounds[0].label, "MATHLIB_CACHE_GET_URL");
    EXPECT_FALSE(c.rounds[0].container.has_value());
  }
}

TEST(SourceChain, BlankGetUrlMeansUnset) {
  SourceChain c = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_GET_URL", "   "}});
  EXPECT_EQ(c.rounds.size(), 3u);
  SourceChain slash = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_GET_URL", "/"}});
  EXPECT_EQ(slash.rounds.size(), 3u);
}

TEST(SourceChain, GetUrlRejectsChainAndScopeSettings) {
  Env env = {{"MATHLIB_CACHE_GET_URL", "https://m.example"}};
  ChainRequest r = Req("alice/mathlib4");
  r.cache_from_flag = "master";
  EXPECT_EQ(BuildSourceChain(r, env, {}).status().code(), absl::StatusCode::kInvalidArgument);
  r = Req("alice/mathlib4");
  r.scope_flag = "abc";
  EXPECT_FALSE(BuildSourceChain(r, env, {}).ok());
  Env env2 = env;
  env2["MATHLIB_CACHE_FROM"] = "master";
  auto s = BuildSourceChain(Req("alice/mathlib4"), env2, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("MATHLIB_CACHE_FROM"), absl::string_view::npos);
  Env env3 = env;
  env3["MATHLIB_CACHE_REPO_SCOPE"] = "abc";
  EXPECT_FALSE(BuildSourceChain(Req("alice/mathlib4"), env3, {}).ok());
  Env env4 = env;
  env4["MATHLIB_CACHE_FROM"] = " ";  // blank = unset: fine
  EXPECT_TRUE(BuildSourceChain(Req("alice/mathlib4"), env4, {}).ok());
}

TEST(SourceChain, CacheFromFlagReplacesTheChain) {
  ChainRequest r = Req("leanprover-community/mathlib4");
  r.cache_from_flag = " forks , Master ";
  r.head_sha = kSha;
  SourceChain c = Build(r, {{"MATHLIB_CACHE_FROM", "legacy"}});  // the flag wins
  EXPECT_EQ(c.workflow, Workflow::kDeveloperCache);
  EXPECT_EQ(Labels(c), (std::vector<std::string>{"forks", "master"}));
  EXPECT_EQ(c.rounds[0].FileUrl(kH), std::string(kA) +
                                         "/mathlib4-forks/f/leanprover-community/mathlib4/" +
                                         kSha + "/0123456789abcdef.ltar");
  EXPECT_EQ(c.rounds[1].FileUrl(kH),
            "https://cache.mathlib.org/mathlib4-master/f/0123456789abcdef.ltar");
}

TEST(SourceChain, BadCacheFromFlagIsAnError) {
  ChainRequest r = Req("alice/mathlib4");
  r.cache_from_flag = "master,bogus";
  auto s = BuildSourceChain(r, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "Unknown container name in --cache-from=master,bogus.\n"
            "Known containers: master, forks, nightly-testing, pr-toolchain-tests, legacy.");
  r.cache_from_flag = "";
  EXPECT_FALSE(BuildSourceChain(r, {}, {}).ok());
}

TEST(SourceChain, CacheFromEnvIsUsedAndABadOneOnlyWarns) {
  SourceChain c = Build(Req("leanprover-community/mathlib4"),
                        {{"MATHLIB_CACHE_FROM", "master,legacy"}});
  EXPECT_EQ(c.workflow, Workflow::kDeveloperCache);
  EXPECT_EQ(Urls(c), (std::vector<std::string>{
                         "https://cache.mathlib.org/mathlib4-master/f/0123456789abcdef.ltar",
                         std::string(kA) + "/mathlib4/f/0123456789abcdef.ltar"}));
  EXPECT_TRUE(c.rounds[1].forbidden_is_miss);

  SourceChain bad = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_FROM", "master,bogus"}});
  EXPECT_EQ(Labels(bad), (std::vector<std::string>{"master", "forks", "legacy"}));
  ASSERT_EQ(bad.messages.size(), 2u);
  EXPECT_EQ(bad.messages[1],
            Stderr("Warning: ignoring MATHLIB_CACHE_FROM=master,bogus (unrecognized container "
                   "name). Known containers: master, forks, nightly-testing, pr-toolchain-tests, "
                   "legacy."));
}

TEST(SourceChain, NightlyWithCacheFromStaysNightly) {
  ChainRequest r = Req("leanprover-community/mathlib4-nightly-testing");
  r.cache_from_flag = "nightly-testing,pr-toolchain-tests";
  SourceChain c = Build(r);
  EXPECT_EQ(c.workflow, Workflow::kNightly);
  EXPECT_EQ(c.rounds[1].FileUrl(kH),
            std::string(kA) +
                "/mathlib4-pr-toolchain-tests/f/leanprover-community/mathlib4-nightly-testing/"
                "0123456789abcdef.ltar");
}

TEST(SourceChain, ScopeFlagBeatsEnvAndHead) {
  ChainRequest r = Req("alice/mathlib4");
  r.scope_flag = "abc123def";
  r.head_sha = kSha;
  SourceChain c = Build(r, {{"MATHLIB_CACHE_REPO_SCOPE", "fff"}});
  EXPECT_EQ(c.rounds[1].FileUrl(kH),
            std::string(kA) + "/mathlib4-forks/f/alice/mathlib4/abc123def/0123456789abcdef.ltar");
  SourceChain e = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_REPO_SCOPE", " fff "}});
  EXPECT_EQ(e.rounds[1].scope, std::optional<std::string>("fff"));
}

TEST(SourceChain, ScopeOnTheCanonicalRepoSelectsTheDeveloperChain) {
  SourceChain c = Build(Req("leanprover-community/mathlib4"),
                        {{"MATHLIB_CACHE_REPO_SCOPE", "abc123"}});
  EXPECT_EQ(c.workflow, Workflow::kDeveloperCache);
  EXPECT_EQ(Labels(c), (std::vector<std::string>{"master", "forks", "legacy"}));
  EXPECT_EQ(c.rounds[1].FileUrl(kH),
            std::string(kA) +
                "/mathlib4-forks/f/leanprover-community/mathlib4/abc123/0123456789abcdef.ltar");
  EXPECT_EQ(c.rounds[2].FileUrl(kH), std::string(kA) + "/mathlib4/f/0123456789abcdef.ltar");
}

TEST(SourceChain, ScopeMustBeHex) {
  ChainRequest r = Req("alice/mathlib4");
  r.scope_flag = "../../etc";
  auto s = BuildSourceChain(r, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("--scope=../../etc"), absl::string_view::npos);
  EXPECT_FALSE(BuildSourceChain(Req("alice/mathlib4"),
                                {{"MATHLIB_CACHE_REPO_SCOPE", std::string(65, 'a')}}, {})
                   .ok());
  EXPECT_TRUE(BuildSourceChain(Req("alice/mathlib4"),
                               {{"MATHLIB_CACHE_REPO_SCOPE", std::string(64, 'A')}}, {})
                  .ok());
}

TEST(SourceChain, PrependAndAppendMirrorsWrapTheChain) {
  Config cfg = WithMirrors({{"https://after.example", MirrorMode::kAppend},
                            {"https://first.example/m", MirrorMode::kPrepend},
                            {"file:///srv/second", MirrorMode::kPrepend}});
  SourceChain c = Build(Req("leanprover-community/mathlib4"), {}, cfg);
  EXPECT_EQ(Urls(c), (std::vector<std::string>{
                         "https://first.example/m/f/0123456789abcdef.ltar",
                         "file:///srv/second/f/0123456789abcdef.ltar",
                         "https://cache.mathlib.org/mathlib4-master/f/0123456789abcdef.ltar",
                         "https://after.example/f/0123456789abcdef.ltar"}));
  EXPECT_EQ(Labels(c), (std::vector<std::string>{"mirror", "mirror", "master", "mirror"}));
  // Mirrors also wrap a MATHLIB_CACHE_GET_URL round.
  SourceChain g = Build(Req("alice/mathlib4"), {{"MATHLIB_CACHE_GET_URL", "https://u.example"}}, cfg);
  EXPECT_EQ(Labels(g), (std::vector<std::string>{"mirror", "mirror", "MATHLIB_CACHE_GET_URL",
                                                 "mirror"}));
}

TEST(SourceChain, ReplaceMirrorsWinOverEverything) {
  Config cfg = WithMirrors({{"https://pre.example", MirrorMode::kPrepend},
                            {"https://r1.example", MirrorMode::kReplace},
                            {"https://r2.example", MirrorMode::kReplace}});
  ChainRequest r = Req("alice/mathlib4");
  r.cache_from_flag = "forks";
  SourceChain c = Build(r, {{"MATHLIB_CACHE_GET_URL", "https://u.example"}}, cfg);
  EXPECT_EQ(c.workflow, Workflow::kMirrors);
  EXPECT_EQ(Urls(c), (std::vector<std::string>{"https://pre.example/f/0123456789abcdef.ltar",
                                               "https://r1.example/f/0123456789abcdef.ltar",
                                               "https://r2.example/f/0123456789abcdef.ltar"}));
  ASSERT_EQ(c.messages.size(), 3u);
  EXPECT_EQ(c.messages[0], Stdout("Cache workflow: mirrors"));
  EXPECT_EQ(c.messages[1].stream, Message::Stream::kStderr);
  EXPECT_NE(c.messages[1].text.find("MATHLIB_CACHE_GET_URL"), std::string::npos);
  EXPECT_NE(c.messages[2].text.find("--cache-from"), std::string::npos);
  EXPECT_NE(c.messages[2].text.find("/home/u/.config/leancache/config.json"), std::string::npos);
}

TEST(SourceChain, ReplaceMirrorsIgnoreABadCacheFromFlag) {
  Config cfg = WithMirrors({{"https://r.example", MirrorMode::kReplace}});
  ChainRequest r = Req("alice/mathlib4");
  r.cache_from_flag = "bogus";
  EXPECT_TRUE(BuildSourceChain(r, {}, cfg).ok());
}

}  // namespace
}  // namespace leancache::sources
