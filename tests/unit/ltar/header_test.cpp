// The ltar header check used to admit archives, against the leantar 0.1.19 vectors.
#include "common/ltar/header.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "common/fs/fd.h"
#include "tests/support/temp_dir.h"

namespace leancache::ltar {
namespace {

std::string Vector(std::string_view name) {
  return leancache::testing::ReadFile(std::filesystem::path(LEANCACHE_SHARED_DIR) / "vectors/ltar" / name);
}

std::string HeaderBytes(std::string_view magic, std::string_view trace) {
  std::string out(magic);
  out += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  out += trace;
  return out;
}

TEST(LtarHeader, Vectors) {
  absl::StatusOr<Header> a = ParseHeader(Vector("a.ltar"), "a.ltar");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->version, ContainerVersion::kV3);
  EXPECT_EQ(a->dep_hash, 0x0123456789abcdefULL);
  EXPECT_EQ(a->trace_path, "lib/Foo/Bar.trace");

  absl::StatusOr<Header> v1 = ParseHeader(Vector("v1.ltar"), "v1.ltar");
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->version, ContainerVersion::kV1);
  EXPECT_EQ(v1->dep_hash, 1234567890u);
  EXPECT_EQ(v1->trace_path, "M.trace");

  absl::StatusOr<Header> v2 = ParseHeader(Vector("v2.ltar"), "v2.ltar");
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version, ContainerVersion::kV2);
  EXPECT_EQ(v2->dep_hash, 1234567890u);

  for (const char* name : {"edge.ltar", "mb.ltar", "mod.ltar", "single.ltar", "syn.ltar"}) {
    EXPECT_TRUE(ParseHeader(Vector(name), name).ok()) << name;
  }
}

TEST(LtarHeader, Rejections) {
  auto expect_bad = [](std::string_view bytes, std::string_view detail) {
    absl::StatusOr<Header> h = ParseHeader(bytes, "/c/x.ltar");
    ASSERT_FALSE(h.ok()) << detail;
    EXPECT_TRUE(absl::IsInvalidArgument(h.status()));
    EXPECT_NE(h.status().message().find("/c/x.ltar"), std::string::npos) << h.status();
    EXPECT_NE(std::string(h.status().message()).find(detail), std::string::npos) << h.status();
  };
  expect_bad("", "empty file");
  expect_bad("LTR3", "truncated header");
  expect_bad(HeaderBytes("LTR3", ""), "truncated header");                // 12 bytes
  expect_bad(HeaderBytes("LTR3", "lib/Foo.trace"), "truncated header");  // no NUL
  expect_bad(HeaderBytes("LTR4", std::string("a\0", 2)), "bad magic");
  expect_bad(HeaderBytes("ltar", std::string("a\0", 2)), "bad magic");
  expect_bad(HeaderBytes("<htm", "l><body>404 Not Found</body></html>"), "bad magic");
  expect_bad(HeaderBytes("LTR2", std::string("\0rest", 5)), "empty trace path");
  expect_bad(HeaderBytes("LTAR", std::string(kMaxTracePathBytes + 1, 'p') + '\0'), "too long");
  EXPECT_TRUE(ParseHeader(HeaderBytes("LTAR", std::string(kMaxTracePathBytes, 'p') + '\0'), "x").ok());
}

TEST(LtarHeader, ReadsFromADescriptor) {
  leancache::testing::TempDir tmp;
  std::string bytes = HeaderBytes("LTR3", std::string(3000, 'q') + '\0') + std::string(100000, 'z');
  leancache::testing::WriteFile(tmp / "big.ltar", bytes);
  fs::Fd fd(::open((tmp / "big.ltar").c_str(), O_RDONLY));
  ASSERT_TRUE(fd.valid());
  absl::StatusOr<Header> h = ReadHeader(fd.get(), "big.ltar");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->trace_path.size(), 3000u);
  EXPECT_EQ(h->dep_hash, 0x0807060504030201ULL);

  leancache::testing::WriteFile(tmp / "short.ltar", HeaderBytes("LTR3", "no-terminator"));
  fs::Fd short_fd(::open((tmp / "short.ltar").c_str(), O_RDONLY));
  EXPECT_TRUE(absl::IsInvalidArgument(ReadHeader(short_fd.get(), "short.ltar").status()));
}

}  // namespace
}  // namespace leancache::ltar
