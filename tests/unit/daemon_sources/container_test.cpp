#include "daemon/sources/container.h"

#include "gtest/gtest.h"
#include "tests/support/lean_hash_vectors.h"

namespace leancache::sources {
namespace {

using ::leancache::testing::VectorList;

std::optional<Container> ContainerFromJson(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  std::optional<Container> c = ParseContainerName(v.get<std::string>());
  EXPECT_TRUE(c.has_value()) << v;
  return c;
}

std::vector<std::string> Names(const std::vector<Container>& cs) {
  std::vector<std::string> out;
  for (Container c : cs) out.emplace_back(ContainerName(c));
  return out;
}

TEST(ContainerVectors, ContainerUrl) {
  size_t n = 0;
  for (const auto& v : VectorList("container_url")) {
    std::optional<Container> c = ContainerFromJson(v["container"]);
    ASSERT_TRUE(c);
    EXPECT_EQ(ContainerUrl(*c), v["url"].get<std::string>()) << v;
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

TEST(ContainerVectors, NameParse) {
  size_t n = 0;
  for (const auto& v : VectorList("container_name_parse")) {
    std::optional<Container> c = ParseContainerName(v["input"].get<std::string>());
    if (v["container"].is_null()) {
      EXPECT_FALSE(c.has_value()) << v;
    } else {
      ASSERT_TRUE(c.has_value()) << v;
      EXPECT_EQ(ContainerName(*c), v["container"].get<std::string>()) << v;
    }
    ++n;
  }
  EXPECT_EQ(n, 8u);
}

TEST(ContainerVectors, FileAndMarkerUrls) {
  size_t files = 0, markers = 0;
  for (const auto& v : VectorList("url")) {
    std::string fn = v["function"].get<std::string>();
    std::string repo = v["repo"].get<std::string>();
    if (fn == "mkFileURL") {
      std::optional<std::string> scope;
      if (!v["scope"].is_null()) scope = v["scope"].get<std::string>();
      std::optional<std::string_view> scope_view;
      if (scope) scope_view = *scope;
      EXPECT_EQ(MakeFileUrl(ContainerFromJson(v["container"]), repo, v["base"].get<std::string>(),
                            v["file"].get<std::string>(), scope_view),
                v["url"].get<std::string>())
          << v;
      ++files;
    } else if (fn == "markerURL") {
      std::optional<Container> c = ContainerFromJson(v["container"]);
      ASSERT_TRUE(c);
      EXPECT_EQ(MarkerUrl(*c, repo, v["sha"].get<std::string>()), v["url"].get<std::string>()) << v;
      ++markers;
    } else {
      ADD_FAILURE() << "unknown function " << fn;
    }
  }
  EXPECT_EQ(files, 15u);
  EXPECT_EQ(markers, 4u);
}

TEST(ContainerVectors, DefaultReadChain) {
  for (const auto& v : VectorList("default_read_chain")) {
    EXPECT_EQ(Names(DefaultReadChain(v["repo"].get<std::string>())),
              v["chain"].get<std::vector<std::string>>())
        << v;
  }
}

TEST(ContainerVectors, CacheFromList) {
  for (const auto& v : VectorList("cache_from_list")) {
    absl::StatusOr<std::vector<Container>> chain = ParseCacheFromList(v["input"].get<std::string>());
    if (v["chain"].is_null()) {
      EXPECT_FALSE(chain.ok()) << v;
    } else {
      ASSERT_TRUE(chain.ok()) << v << chain.status();
      EXPECT_EQ(Names(*chain), v["chain"].get<std::vector<std::string>>()) << v;
    }
  }
}

TEST(Container, CacheFromErrorIsTheOriginalMessage) {
  absl::StatusOr<std::vector<Container>> chain = ParseCacheFromList("master,bogus");
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(chain.status().message(),
            "Unknown container name in --cache-from=master,bogus.\n"
            "Known containers: master, forks, nightly-testing, pr-toolchain-tests, legacy.");
}

TEST(Container, CacheFromRejectsEmptyElementsAndAcceptsMixedCase) {
  EXPECT_FALSE(ParseCacheFromList("master,").ok());
  EXPECT_FALSE(ParseCacheFromList(",master").ok());
  EXPECT_FALSE(ParseCacheFromList("   ").ok());
  absl::StatusOr<std::vector<Container>> chain = ParseCacheFromList("\tFORKS ,Legacy\n");
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(Names(*chain), (std::vector<std::string>{"forks", "legacy"}));
}

TEST(Container, SegmentsAndFlatness) {
  EXPECT_EQ(ContainerSegment(Container::kLegacy), "mathlib4");
  EXPECT_EQ(ContainerSegment(Container::kPrToolchainTests), "mathlib4-pr-toolchain-tests");
  EXPECT_TRUE(IsFlatPath(Container::kMaster, "alice/mathlib4"));
  EXPECT_TRUE(IsFlatPath(Container::kLegacy, "leanprover-community/mathlib4"));
  EXPECT_TRUE(IsFlatPath(Container::kLegacy, "Leanprover-Community/Mathlib4"));
  EXPECT_FALSE(IsFlatPath(Container::kLegacy, "alice/mathlib4"));
  EXPECT_FALSE(IsFlatPath(Container::kForks, "leanprover-community/mathlib4"));
  EXPECT_FALSE(IsFlatPath(Container::kNightlyTesting, "leanprover-community/mathlib4"));
  EXPECT_TRUE(IsFlatPath(std::nullopt, "leanprover-community/mathlib4"));
  EXPECT_FALSE(IsFlatPath(std::nullopt, "alice/mathlib4"));
  EXPECT_EQ(ContainerUrl(Container::kMaster, "https://cache.mathlib.org"),
            "https://cache.mathlib.org/mathlib4-master");
  EXPECT_EQ(KnownContainerList(), "master, forks, nightly-testing, pr-toolchain-tests, legacy");
}

}  // namespace
}  // namespace leancache::sources
