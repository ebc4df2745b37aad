// Every applicable value of vectors/lean-hash.json against the Lean hash primitives.
#include "common/hash/lean_hash.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/hash/content_hash.h"

namespace leancache::hash {
namespace {

using nlohmann::json;

const json& Vectors() {
  static const json doc = [] {
    std::ifstream in(std::string(LEANCACHE_SHARED_DIR) + "/vectors/lean-hash.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  }();
  return doc;
}

uint64_t U64(const json& v) { return std::stoull(v.get<std::string>()); }

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

TEST(LeanHashVectors, StringHash) {
  const json& cases = Vectors().at("string_hash");
  ASSERT_GE(cases.size(), 20u);
  for (const json& c : cases) {
    const std::string input = c.at("input").get<std::string>();
    EXPECT_EQ(input.size(), c.at("utf8_len").get<size_t>()) << input;
    EXPECT_EQ(StringHash(input), U64(c.at("hash"))) << input;
    EXPECT_EQ(Hex16(StringHash(input)), c.at("hex").get<std::string>()) << input;
  }
}

TEST(LeanHashVectors, ByteArrayHash) {
  const json& cases = Vectors().at("bytearray_hash");
  ASSERT_EQ(cases.size(), 2u);
  for (const json& c : cases) {
    EXPECT_EQ(BytesHash(FromHex(c.at("bytes_hex").get<std::string>())), U64(c.at("hash")));
  }
}

TEST(LeanHashVectors, MixHash) {
  for (const char* section : {"mix_hash"}) {
    const json& cases = Vectors().at(section);
    ASSERT_EQ(cases.size(), 4u);
    for (const json& c : cases) {
      EXPECT_EQ(MixHash(U64(c.at("h")), U64(c.at("k"))), U64(c.at("hash")));
    }
  }
  for (const json& c : Vectors().at("derived").at("mix_hash")) {
    EXPECT_EQ(MixHash(U64(c.at("h")), U64(c.at("k"))), U64(c.at("hash")));
  }
}

TEST(LeanHashVectors, MixHashIsNotTextbookMurmur) {
  // The XOR-with-m quirk: mixHash is asymmetric and differs from a multiply step.
  EXPECT_NE(MixHash(1, 2), MixHash(2, 1));
  EXPECT_EQ(MixHash(1, 2), 16582581243253999004ULL);
}

TEST(LeanHashVectors, ListHash) {
  for (const json& c : Vectors().at("list_hash")) {
    const std::string kind = c.at("kind").get<std::string>();
    if (kind == "List UInt64") {
      std::vector<uint64_t> items;
      for (const json& i : c.at("items")) items.push_back(U64(i));
      EXPECT_EQ(ListHash(items), U64(c.at("hash")));
    } else {
      ASSERT_EQ(kind, "List String");
      std::vector<std::string> items;
      for (const json& i : c.at("items")) items.push_back(i.get<std::string>());
      EXPECT_EQ(StringListHash(items), U64(c.at("hash")));
    }
  }
  EXPECT_EQ(ListHash({}), U64(Vectors().at("derived").at("list_hash_empty")));
}

TEST(LeanHashVectors, LakeHashOfString) {
  // Lake Hash.ofString s = mixHash 1723 (String.hash s).
  for (const json& c : Vectors().at("lake_hash_of_string")) {
    EXPECT_EQ(MixHash(1723, StringHash(c.at("input").get<std::string>())), U64(c.at("hash")));
  }
}

TEST(LeanHashVectors, TailLengthsAllCovered) {
  // Consistency across every tail length 0..7 and several blocks: hashing is a pure function
  // of the bytes and each extra byte changes the value.
  std::string s;
  uint64_t prev = StringHash(s);
  for (int i = 0; i < 40; ++i) {
    s.push_back(static_cast<char>('a' + i % 26));
    uint64_t h = StringHash(s);
    EXPECT_NE(h, prev) << i;
    prev = h;
  }
  EXPECT_EQ(StringHash(std::string("a\0b", 3)), StringHash(std::string("a\0b", 3)));
  EXPECT_NE(StringHash(std::string("a\0b", 3)), StringHash("ab"));
}

TEST(Hex16, Format) {
  EXPECT_EQ(Hex16(0), "0000000000000000");
  EXPECT_EQ(Hex16(0xdeadbeef00112233ULL), "deadbeef00112233");
  EXPECT_EQ(Hex16(~0ULL), "ffffffffffffffff");
}

}  // namespace
}  // namespace leancache::hash
