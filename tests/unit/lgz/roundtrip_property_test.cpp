// Property tests: decode(encode(x)) == x for seeded random oleans of every header version,
// single files and 3-file modules, plus targeted shapes (deep nesting, > 65 536 back-references,
// application spines around the 31-argument limit, deliberately wrong cached hashes).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/lgz/lgz_codec.h"
#include "gtest/gtest.h"
#include "tests/unit/lgz/lean_terms.h"
#include "tests/unit/lgz/olean_generator.h"

namespace leancache::lgz {
namespace {

using testing::GenerateOlean;
using testing::GenOptions;
using testing::HeaderOptions;
using testing::LeanTerms;
using testing::OleanBuilder;
using testing::Ref;
using testing::Scalar;

std::vector<std::string_view> Views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Encodes, checks the verified variant agrees, decodes and compares. Returns the stream.
std::string ExpectRoundTrip(const std::vector<std::string>& files, const std::string& label) {
  absl::StatusOr<std::string> lgz = EncodeOleans(Views(files));
  EXPECT_TRUE(lgz.ok()) << label << ": " << lgz.status();
  if (!lgz.ok()) return {};
  absl::StatusOr<std::vector<std::string>> back = DecodeOleans(*lgz, files.size(), uint64_t{1} << 30);
  EXPECT_TRUE(back.ok()) << label << ": " << back.status();
  if (!back.ok()) return *lgz;
  for (size_t i = 0; i < files.size(); ++i) EXPECT_TRUE((*back)[i] == files[i]) << label << " file " << i;
  absl::StatusOr<std::string> verified = EncodeOleansVerified(Views(files));
  EXPECT_TRUE(verified.ok()) << label << ": " << verified.status();
  if (verified.ok()) {
    EXPECT_EQ(*verified, *lgz) << label;
  }
  return *lgz;
}

struct Variant {
  const char* name;
  int version;
  bool gmp;
  bool module;
  const char* lean_version;
};

const Variant kVariants[] = {
    {"v2-gmp", 2, true, false, "4.25.0"},
    {"v2-rc", 2, true, false, "4.9.0-rc1"},
    {"v2-nongmp", 2, false, false, "4.255.255-rc255"},
    {"v2-nightly", 2, true, false, "4.26.0-nightly-2025-10-01"},
    {"v2-empty-version", 2, true, false, ""},
    {"v1", 1, true, false, ""},
    {"v0", 0, true, false, ""},
    {"v2-module-gmp", 2, true, true, "4.25.0-rc2"},
    {"v2-module-nongmp", 2, false, true, "4.22.0"},
};

TEST(LgzRoundTrip, RandomOleansAllVariants) {
  constexpr int kSeedsPerVariant = 300;  // 2 700 oleans in total
  auto start = std::chrono::steady_clock::now();
  size_t total_in = 0, total_lgz = 0;
  for (const Variant& v : kVariants) {
    for (int seed = 0; seed < kSeedsPerVariant; ++seed) {
      GenOptions opt;
      opt.header.version = v.version;
      opt.header.gmp = v.gmp;
      opt.header.lean_version = v.lean_version;
      opt.header.base = (uint64_t{0x1000} + uint64_t(seed) * 7) << 16;
      opt.module = v.module;
      opt.items = 4 + seed % 30;
      std::vector<std::string> files = GenerateOlean(0x5eed0000u + uint64_t(seed), opt);
      std::string lgz = ExpectRoundTrip(files, std::string(v.name) + " seed " + std::to_string(seed));
      for (const auto& f : files) total_in += f.size();
      total_lgz += lgz.size();
      if (HasFailure()) return;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("round-tripped %d oleans, %zu bytes -> %zu LGZ bytes in %.2f s\n",
              int(std::size(kVariants)) * kSeedsPerVariant, total_in, total_lgz, secs);
}

TEST(LgzRoundTrip, DeepListIsNotRecursive) {
  // 300 000 nested List.cons cells: the encoder and decoder must not recurse per level.
  OleanBuilder b;
  LeanTerms t(&b);
  std::vector<Ref> items;
  for (int i = 0; i < 300000; ++i) items.push_back(Scalar(i % 1000 - 500));
  Ref list = t.List(items);
  std::vector<std::string> files = b.Serialize({b.Ctor(0, {list})}, HeaderOptions{});
  ExpectRoundTrip(files, "deep list");
}

TEST(LgzRoundTrip, DeepBinderNesting) {
  OleanBuilder b;
  LeanTerms t(&b);
  Ref nat = t.Const(t.Name({"Nat"}), t.List({}));
  Ref e = t.BVar(0);
  for (int i = 0; i < 100000; ++i) e = t.Lam(t.Name({"x"}), nat, e, uint8_t(i % 4));
  std::vector<std::string> files = b.Serialize({e}, HeaderOptions{});
  std::string lgz = ExpectRoundTrip(files, "deep lambdas");
  EXPECT_LT(lgz.size(), files[0].size() / 8);
}

TEST(LgzRoundTrip, BackrefIndicesCross8And256And65536) {
  OleanBuilder b;
  std::vector<Ref> strings, twice;
  for (int i = 0; i < 70000; ++i) strings.push_back(b.String("s" + std::to_string(i)));
  for (Ref s : strings) twice.push_back(s);
  for (Ref s : strings) twice.push_back(s);
  std::vector<std::string> files = b.Serialize({b.Array(twice)}, HeaderOptions{});
  std::string lgz = ExpectRoundTrip(files, "many backrefs");
  // The last back-reference (index 69 999) needs the u32 form FE.
  const std::string tail = std::string("\xFE") + std::string("\x6F\x11\x01\x00", 4);
  EXPECT_EQ(lgz.substr(lgz.size() - 5), tail);
}

TEST(LgzRoundTrip, BoundaryScalarsUseShortestInt) {
  OleanBuilder b;
  std::vector<Ref> elems;
  for (int64_t v : testing::BoundaryScalars()) elems.push_back(Scalar(v));
  std::vector<std::string> files = b.Serialize({b.Array(elems)}, HeaderOptions{});
  std::string lgz = ExpectRoundTrip(files, "scalars");
  // 0, 1, 31 -> D0 D1 EF; 32 -> F8 20; -1 -> F8 FF
  EXPECT_NE(lgz.find(std::string("\xD0\xD1\xEF\xF8\x20\xF8\xFF", 7)), std::string::npos);
  // 2^62-1 needs the i64 form.
  EXPECT_NE(lgz.find(std::string("\xFB\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x3F", 9)), std::string::npos);
}

// Builds c a1 ... an with `c` a constant and distinct bound variables as arguments.
std::vector<std::string> Spine(int n, bool shared_head, std::string* head_name) {
  OleanBuilder b;
  LeanTerms t(&b);
  Ref c = t.Const(t.Name({"f"}), t.List({}));
  Ref e = c;
  for (int i = 0; i < n; ++i) e = t.App(e, t.BVar(uint64_t(i)));
  std::vector<Ref> root = {e};
  if (shared_head) root.push_back(c);
  return b.Serialize({b.Ctor(0, root)}, HeaderOptions{});
}

TEST(LgzRoundTrip, ApplicationSpinesAroundTheLimit) {
  const size_t header = 4 + 4 + 8 + 40 + 1 + 4;  // LGZ2 header with the compact version
  for (int n : {1, 30, 31, 32, 62, 63, 64, 100}) {
    for (bool shared : {false, true}) {
      std::vector<std::string> files = Spine(n, shared, nullptr);
      std::string lgz = ExpectRoundTrip(files, "spine " + std::to_string(n));
      // Root ctor, then the outermost chain op: const+31 args (5F) only when n <= 31 and the head is unshared.
      uint8_t first = static_cast<uint8_t>(lgz[header + 2]);
      uint8_t expect = !shared && n <= 31 ? uint8_t(0x40 + n) : uint8_t(0x20 + std::min(n, 31));
      EXPECT_EQ(first, expect) << "n=" << n << " shared=" << shared;
    }
  }
}

TEST(LgzRoundTrip, WrongCachedHashFallsBackToGenericConstructor) {
  OleanBuilder b;
  LeanTerms t(&b);
  t.CorruptNext();
  Ref name = t.NameStr(t.Anonymous(), "Nat");
  std::vector<std::string> files = b.Serialize({b.Ctor(0, {name})}, HeaderOptions{});
  std::string lgz = ExpectRoundTrip(files, "corrupt hash");
  // Generic ctor tag 1, 2 fields, 1 scalar word = 0x15 instead of Exprish 80 00.
  EXPECT_NE(lgz.find(std::string("\x15\xD0\x30Nat\0", 7)), std::string::npos);
}

}  // namespace
}  // namespace leancache::lgz
