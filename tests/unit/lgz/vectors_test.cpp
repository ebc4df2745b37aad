// Byte-exact compatibility with leantar 0.1.19's raw LGZ vectors (ltar.md §12 items 4 and 5).
#include <cctype>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/lgz/lgz_codec.h"
#include "gtest/gtest.h"
#include "tests/unit/lgz/test_files.h"

namespace leancache::lgz {
namespace {

using testing::FirstDiff;
using testing::ReadVector;

constexpr uint64_t kMax = 64 << 20;

struct Case {
  const char* lgz;
  std::vector<const char*> oleans;    // inputs of the encoder
  std::vector<const char*> expected;  // what the decoder must produce
};

const Case kCases[] = {
    {"syn/basic.lgz", {"syn/basic.olean"}, {"syn/basic.olean"}},
    {"syn/sarray0.lgz", {"syn/sarray0.olean"}, {"syn/sarray0.olean"}},
    // leantar drops the scalar array element size: sarray1 decodes to sarray0's bytes.
    {"syn/sarray1.lgz", {"syn/sarray1.olean"}, {"syn/sarray0.olean"}},
    {"m/Attr.olean.lgz", {"m/P/Attr.olean"}, {"m/P/Attr.olean"}},
    {"m/Attr.module.lgz",
     {"m/P/Attr.olean", "m/P/Attr.olean.server", "m/P/Attr.olean.private"},
     {"m/P/Attr.olean", "m/P/Attr.olean.server", "m/P/Attr.olean.private"}},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.lgz; }

class VectorTest : public ::testing::TestWithParam<Case> {};

TEST_P(VectorTest, DecodeIsByteExact) {
  const Case& c = GetParam();
  std::string lgz = ReadVector(c.lgz);
  absl::StatusOr<std::vector<std::string>> out = DecodeOleans(lgz, c.expected.size(), kMax);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), c.expected.size());
  for (size_t i = 0; i < c.expected.size(); ++i) {
    std::string want = ReadVector(c.expected[i]);
    EXPECT_EQ((*out)[i].size(), want.size()) << c.expected[i];
    EXPECT_EQ(FirstDiff((*out)[i], want), -1) << c.expected[i];
  }
}

TEST_P(VectorTest, EncodeIsByteExact) {
  const Case& c = GetParam();
  std::vector<std::string> inputs;
  for (const char* f : c.oleans) inputs.push_back(ReadVector(f));
  std::vector<std::string_view> views(inputs.begin(), inputs.end());
  absl::StatusOr<std::string> lgz = EncodeOleans(views);
  ASSERT_TRUE(lgz.ok()) << lgz.status();
  std::string want = ReadVector(c.lgz);
  EXPECT_EQ(lgz->size(), want.size());
  EXPECT_EQ(FirstDiff(*lgz, want), -1);
}

INSTANTIATE_TEST_SUITE_P(Leantar0119, VectorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name;
                           for (const char* p = info.param.lgz; *p != '\0'; ++p) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
                           }
                           return name;
                         });

TEST(VectorVerified, RealAndSyntheticOleansRoundTrip) {
  for (std::vector<const char*> files : std::vector<std::vector<const char*>>{
           {"syn/basic.olean"},
           {"syn/sarray0.olean"},
           {"m/P/Attr.olean"},
           {"m/P/Attr.olean", "m/P/Attr.olean.server", "m/P/Attr.olean.private"}}) {
    std::vector<std::string> inputs;
    for (const char* f : files) inputs.push_back(ReadVector(f));
    std::vector<std::string_view> views(inputs.begin(), inputs.end());
    absl::StatusOr<std::string> lgz = EncodeOleansVerified(views);
    ASSERT_TRUE(lgz.ok()) << files[0] << ": " << lgz.status();
    EXPECT_EQ(*lgz, *EncodeOleans(views));
  }
}

TEST(VectorVerified, ByteArrayElementSizeFallsBack) {
  // sarray1.olean holds a ByteArray (element size 1): leantar encodes it lossily.
  std::string olean = ReadVector("syn/sarray1.olean");
  std::vector<std::string_view> views{olean};
  EXPECT_TRUE(EncodeOleans(views).ok());
  absl::StatusOr<std::string> verified = EncodeOleansVerified(views);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kFailedPrecondition) << verified.status();
}

TEST(VectorVerified, ModuleStreamDecodesFirstFileAlone) {
  // Trailing roots are ignored: the module stream's first tree is the .olean.
  absl::StatusOr<std::vector<std::string>> out = DecodeOleans(ReadVector("m/Attr.module.lgz"), 1, kMax);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0], ReadVector("m/P/Attr.olean"));
}

}  // namespace
}  // namespace leancache::lgz
