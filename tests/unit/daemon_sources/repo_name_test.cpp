#include "daemon/sources/repo_name.h"

#include "gtest/gtest.h"
#include "tests/support/lean_hash_vectors.h"

namespace leancache::sources {
namespace {

using ::leancache::testing::VectorList;

TEST(RepoNameVectors, ExtractRepoFromUrl) {
  size_t n = 0;
  for (const auto& v : VectorList("repo_from_remote_url")) {
    std::optional<std::string> repo = ExtractRepoFromUrl(v["remote"].get<std::string>());
    if (v["repo"].is_null()) {
      EXPECT_FALSE(repo.has_value()) << v;
    } else {
      ASSERT_TRUE(repo.has_value()) << v;
      EXPECT_EQ(*repo, v["repo"].get<std::string>()) << v;
    }
    ++n;
  }
  EXPECT_EQ(n, 7u);
}

TEST(RepoName, MoreRemoteShapes) {
  EXPECT_EQ(ExtractRepoFromUrl("ssh://git@github.com/bob/mathlib4.git"), "bob/mathlib4");
  EXPECT_EQ(ExtractRepoFromUrl("git@gitlab.example:group/proj"), "group/proj");
  EXPECT_EQ(ExtractRepoFromUrl("a/b"), std::nullopt);  // only one separator
  EXPECT_EQ(ExtractRepoFromUrl(".git"), std::nullopt);
}

TEST(RepoName, Canonical) {
  EXPECT_TRUE(IsCanonicalRepo("leanprover-community/mathlib4"));
  EXPECT_TRUE(IsCanonicalRepo("leanprover-community/mathlib4-nightly-testing"));
  EXPECT_TRUE(IsMathlibRepo("Leanprover-Community/Mathlib4"));
  EXPECT_FALSE(IsCanonicalRepo("alice/mathlib4"));
  EXPECT_FALSE(IsMathlibRepo("leanprover-community/mathlib4-nightly-testing"));
  EXPECT_EQ(NormalizeRepo("Alice/Mathlib4"), "alice/mathlib4");
}

TEST(RepoName, RemoteUrlDetection) {
  EXPECT_TRUE(IsRemoteUrl("https://github.com/a/b"));
  EXPECT_TRUE(IsRemoteUrl("http://github.com/a/b"));
  EXPECT_TRUE(IsRemoteUrl("git@github.com:a/b"));
  EXPECT_FALSE(IsRemoteUrl("origin"));
  EXPECT_FALSE(IsRemoteUrl("git@gitlab.com:a/b"));
}

}  // namespace
}  // namespace leancache::sources
