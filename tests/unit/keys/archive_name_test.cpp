#include "common/keys/archive_name.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace leancache::keys {
namespace {

nlohmann::json Vectors() {
  std::ifstream in(std::string(LEANCACHE_SHARED_DIR) + "/vectors/lean-hash.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

TEST(ArchiveName, AsLTarVectors) {
  auto v = Vectors();
  ASSERT_EQ(v.at("asltar").size(), 5u);
  for (const auto& c : v.at("asltar")) {
    EXPECT_EQ(ArchiveName(std::stoull(c.at("hash").get<std::string>())), c.at("file").get<std::string>());
  }
}

TEST(ArchiveName, HashFromFileNameVectors) {
  auto v = Vectors();
  ASSERT_EQ(v.at("hash_from_file_name").size(), 5u);
  for (const auto& c : v.at("hash_from_file_name")) {
    const std::string file = c.at("file").get<std::string>();
    auto got = KeyFromFileName(file);
    if (c.at("hash").is_null()) {
      EXPECT_FALSE(got.has_value()) << file;
    } else {
      ASSERT_TRUE(got.has_value()) << file;
      EXPECT_EQ(*got, std::stoull(c.at("hash").get<std::string>())) << file;
    }
  }
}

TEST(ArchiveName, RoundTrip) {
  for (uint64_t h : {0xdeadbeef00112233ULL, 0xabc123ULL, 0ULL, ~0ULL}) {
    EXPECT_EQ(KeyFromFileName(ArchiveName(h)), h);
    EXPECT_EQ(KeyFromFileName("/cache/" + ArchiveName(h) + ".part"), h);
  }
}

TEST(ArchiveName, MoreNames) {
  EXPECT_EQ(KeyFromFileName("deadbeef00112233.ltar.12345.part"), 0xdeadbeef00112233ULL);  // M-late
  EXPECT_FALSE(KeyFromFileName("").has_value());
  EXPECT_FALSE(KeyFromFileName(".ltar").has_value());
  EXPECT_FALSE(KeyFromFileName("10000000000000000.ltar").has_value());  // 17 digits
  EXPECT_FALSE(KeyFromFileName("curl.cfg").has_value());
  EXPECT_EQ(KeyFromFileName("ABC.ltar"), 0xabcULL);
}

}  // namespace
}  // namespace leancache::keys
