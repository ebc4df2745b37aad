// Inputs LGZ cannot carry faithfully. EncodeOleans either rejects them (InvalidArgument: leantar
// would panic, or the layout is unusable) or encodes them exactly like leantar does; in both
// cases EncodeOleansVerified must fail so the archive writer stores the files as mode 0.
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/lgz/lgz_codec.h"
#include "gtest/gtest.h"
#include "tests/unit/lgz/lean_terms.h"
#include "tests/unit/lgz/olean_builder.h"

namespace leancache::lgz {
namespace {

using testing::HeaderOptions;
using testing::LeanTerms;
using testing::OleanBuilder;
using testing::Ref;
using testing::Scalar;

constexpr size_t kHdr = 96;  // v2 header size: first object offset

uint64_t Get64(const std::string& s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
void Set64(std::string& s, size_t at, uint64_t v) { std::memcpy(s.data() + at, &v, 8); }

absl::Status Encode(const std::vector<std::string>& files) {
  std::vector<std::string_view> v(files.begin(), files.end());
  return EncodeOleans(v).status();
}
absl::Status Verified(const std::vector<std::string>& files) {
  std::vector<std::string_view> v(files.begin(), files.end());
  return EncodeOleansVerified(v).status();
}

// Encodes like leantar (lossily) but must not pass verification.
void ExpectLossy(const std::vector<std::string>& files) {
  EXPECT_TRUE(Encode(files).ok()) << Encode(files);
  EXPECT_EQ(Verified(files).code(), absl::StatusCode::kFailedPrecondition) << Verified(files);
}
// Rejected outright.
void ExpectRejected(const std::vector<std::string>& files) {
  EXPECT_EQ(Encode(files).code(), absl::StatusCode::kInvalidArgument) << Encode(files);
  EXPECT_FALSE(Verified(files).ok());
}

std::string Single(OleanBuilder& b, Ref root, HeaderOptions opt = {}) { return b.Serialize({root}, opt)[0]; }

TEST(LgzFallback, ByteArrayElementSizeIsLost) {
  OleanBuilder b;
  ExpectLossy({Single(b, b.Ctor(0, {b.ScalarArray("abc", 1)}))});
}

TEST(LgzFallback, WideScalarArraysAreRejected) {
  OleanBuilder b;
  ExpectRejected({Single(b, b.Ctor(0, {b.ScalarArray(std::string(16, 'x'), 8)}))});
}

TEST(LgzFallback, NegativeBignumsAreUndecodable) {
  for (bool gmp : {true, false}) {
    OleanBuilder b;
    HeaderOptions opt;
    opt.gmp = gmp;
    ExpectLossy({Single(b, b.Ctor(0, {b.Mpz({5, 9}, true)}), opt)});
  }
}

TEST(LgzFallback, InteriorNulStringIsRejected) {
  OleanBuilder b;
  ExpectRejected({Single(b, b.Ctor(0, {b.String(std::string("a\0b", 3))}))});
}

TEST(LgzFallback, UnsupportedObjectKindsAreRejected) {
  for (uint8_t tag : {uint8_t{245}, uint8_t{247}, uint8_t{254}, uint8_t{255}}) {
    OleanBuilder b;
    std::string f = Single(b, b.Ctor(0, {b.Ctor(3, {Scalar(1)})}));
    f[kHdr + 7] = static_cast<char>(tag);  // first object's tag
    ExpectRejected({f});
  }
}

TEST(LgzFallback, NonZeroRefCountAndThunkClosureAreRejected) {
  OleanBuilder b;
  std::string f = Single(b, b.Ctor(0, {b.Thunk(Scalar(3))}));
  std::string rc = f;
  rc[kHdr] = 1;
  ExpectRejected({rc});
  std::string closure = f;
  Set64(closure, kHdr + 16, 0x1234);
  ExpectRejected({closure});
}

TEST(LgzFallback, ForwardAndInteriorPointersAreRejected) {
  OleanBuilder b;
  std::string f = Single(b, b.Ctor(0, {b.Ctor(1, {Scalar(1)})}));
  // Layout: inner ctor @96 (field @104), root @112 (field @120).
  const uint64_t base = Get64(f, 0x50);
  ASSERT_EQ(Get64(f, 0x58), base + 112);
  std::string forward = f;
  Set64(forward, 104, base + 112);  // inner -> root: forward pointer (and a cycle)
  ExpectRejected({forward});
  std::string interior = f;
  Set64(interior, 120, base + 104);  // root -> middle of inner
  ExpectRejected({interior});
  std::string outside = f;
  Set64(outside, 120, base + 0x100000);
  ExpectRejected({outside});
  std::string null_ptr = f;
  Set64(null_ptr, 120, 0);
  ExpectRejected({null_ptr});
}

TEST(LgzFallback, NonPostOrderLayoutIsLossy) {
  // Fields laid out right to left: every pointer still goes backwards, but the decoder (like
  // leantar's) rebuilds the canonical left-to-right order.
  OleanBuilder b;
  std::string f = Single(b, b.Ctor(0, {b.String("abc"), b.String("de")}));
  std::string swapped = f.substr(0, kHdr) + f.substr(kHdr + 40, 40) + f.substr(kHdr, 40) + f.substr(kHdr + 80);
  uint64_t base = Get64(f, 0x50);
  Set64(swapped, 184, base + kHdr + 40);
  Set64(swapped, 192, base + kHdr);
  ExpectLossy({swapped});
}

TEST(LgzFallback, UnreachableAndTrailingObjectsAreLossy) {
  OleanBuilder b;
  Ref keep = b.Ctor(0, {b.String("kept")});
  std::string f = Single(b, b.Array({b.String("garbage"), keep}));
  // Drop the array (last 40 bytes) and make `keep` the root: "garbage" is now unreachable.
  uint64_t keep_addr = Get64(f, f.size() - 8);
  std::string unreachable = f.substr(0, f.size() - 40);
  Set64(unreachable, 0x58, keep_addr);
  ExpectLossy({unreachable});

  OleanBuilder b2;
  std::string g = Single(b2, b2.Ctor(0, {Scalar(1)}));
  std::string trailing = g + std::string(g.substr(kHdr, 16));  // a copy of the root after it
  ExpectLossy({trailing});
  ExpectRejected({g + std::string(8, '\0')});  // zero word: not an object
}

TEST(LgzFallback, NonCanonicalBytesAreLossy) {
  OleanBuilder b;
  std::string f = Single(b, b.Ctor(0, {b.String("héllo")}));
  std::string length = f;
  Set64(length, kHdr + 24, 99);  // wrong code point count
  ExpectLossy({length});
  std::string padding = f;
  padding[kHdr + 32 + 7] = 'x';  // byte after the NUL of "héllo" (6 bytes + NUL)
  ExpectLossy({padding});
}

TEST(LgzFallback, HeaderProblems) {
  OleanBuilder b;
  Ref root = b.Ctor(0, {Scalar(5)});
  std::string f = Single(b, root);
  std::string v3 = f;
  v3[5] = 3;
  ExpectRejected({v3});
  std::string flags = f;
  flags[6] = 3;
  ExpectRejected({flags});
  std::string unaligned = f;
  Set64(unaligned, 0x50, Get64(f, 0x50) + 8);
  ExpectRejected({unaligned});
  ExpectRejected({"not an olean at all"});
  ExpectRejected({f.substr(0, 50)});

  for (const char* version : {"4.0.0-rc0", "4.025.0", "4.+5.0"}) {
    HeaderOptions opt;
    opt.lean_version = version;
    ExpectLossy({Single(b, root, opt)});
  }
  HeaderOptions junk;
  junk.lean_version = std::string("4.25.0\0junk", 11);
  ExpectLossy({Single(b, root, junk)});

  HeaderOptions v1;
  v1.version = 1;
  std::string reserved = Single(b, root, v1);
  reserved[46] = 1;
  ExpectRejected({reserved});  // leantar asserts reserved == 0
}

TEST(LgzFallback, ModuleProblems) {
  OleanBuilder b;
  LeanTerms t(&b);
  Ref shared = t.Name({"A", "b"});
  std::vector<Ref> roots = {b.Ctor(0, {shared}), b.Ctor(0, {shared}), b.Ctor(0, {Scalar(0)})};
  std::vector<std::string> files = b.Serialize(roots, HeaderOptions{});
  ASSERT_TRUE(Verified(files).ok()) << Verified(files);
  ExpectRejected({files[0], files[1]});  // 2 files
  std::vector<std::string> unchained = files;
  Set64(unchained[2], 0x50, Get64(files[2], 0x50) + 65536);
  ExpectRejected(unchained);
  std::vector<std::string> githash = files;
  githash[1][40] ^= 1;
  ExpectRejected(githash);
  HeaderOptions v1;
  v1.version = 1;
  ExpectRejected(b.Serialize(roots, v1));
}

}  // namespace
}  // namespace leancache::lgz
