// Hostile input for DecodeOleans: truncation at every offset, random byte flips, crafted
// streams. Never a crash; errors for truncation; output and working memory bounded by
// max_output_bytes (allocations are measured by replacing the global operator new).
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "common/lgz/lgz_codec.h"
#include "gtest/gtest.h"
#include "tests/unit/lgz/test_files.h"

namespace {

std::atomic<uint64_t> g_live{0};
std::atomic<uint64_t> g_peak{0};

void* TrackedAlloc(size_t n) {
  void* p = std::malloc(n + 16);
  if (p == nullptr) throw std::bad_alloc();
  *static_cast<size_t*>(p) = n;
  uint64_t live = g_live.fetch_add(n) + n;
  uint64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return static_cast<char*>(p) + 16;
}
void TrackedFree(void* p) noexcept {
  if (p == nullptr) return;
  char* q = static_cast<char*>(p) - 16;
  g_live.fetch_sub(*reinterpret_cast<size_t*>(q));
  std::free(q);
}

}  // namespace

void* operator new(size_t n) { return TrackedAlloc(n); }
void* operator new[](size_t n) { return TrackedAlloc(n); }
void operator delete(void* p) noexcept { TrackedFree(p); }
void operator delete[](void* p) noexcept { TrackedFree(p); }
void operator delete(void* p, size_t) noexcept { TrackedFree(p); }
void operator delete[](void* p, size_t) noexcept { TrackedFree(p); }

namespace leancache::lgz {
namespace {

using testing::ReadVector;

struct Stream {
  std::string lgz;
  size_t files;
};

std::vector<Stream> Vectors() {
  return {{ReadVector("syn/basic.lgz"), 1},
          {ReadVector("syn/sarray0.lgz"), 1},
          {ReadVector("syn/sarray1.lgz"), 1},
          {ReadVector("m/Attr.olean.lgz"), 1},
          {ReadVector("m/Attr.module.lgz"), 3}};
}

// Decodes and checks the bounds; returns the status.
absl::Status DecodeBounded(const std::string& lgz, size_t files, uint64_t max) {
  uint64_t before = g_live.load();
  g_peak.store(before);
  absl::StatusOr<std::vector<std::string>> out = DecodeOleans(lgz, files, max);
  uint64_t peak = g_peak.load() - before;
  // Decode buffer <= max; stacks/back-references are charged against the same budget
  // (vectors may hold up to 2x their size); plus the copies of files 2 and 3.
  EXPECT_LE(peak, 6 * max + 2 * lgz.size() + (256 << 10)) << "max=" << max;
  if (out.ok()) {
    uint64_t total = 0;
    for (const std::string& f : *out) total += f.size();
    EXPECT_LE(total, max);
    EXPECT_EQ(out->size(), files);
  }
  return out.status();
}

// Every prefix of every vector must be refused. The suite (and CI, under ASan) tries every
// offset in the first KiB and the last 256 bytes of each stream and every 13th one between
// (~4 500 decodes);
// with LEANCACHE_FULL_ROBUSTNESS=1 in the environment it tries all ~25 000 (a full run:
// `LEANCACHE_FULL_ROBUSTNESS=1 build/tests/unit_lgz --gtest_filter=LgzRobustness.*`).
bool TryTruncation(size_t len, size_t size) {
  static const bool full = std::getenv("LEANCACHE_FULL_ROBUSTNESS") != nullptr;
  return full || len < 1024 || len + 256 >= size || len % 13 == 0;
}

TEST(LgzRobustness, TruncationAtEveryOffsetIsAnError) {
  for (const Stream& s : Vectors()) {
    for (size_t len = 0; len < s.lgz.size(); ++len) {
      if (!TryTruncation(len, s.lgz.size())) continue;
      absl::Status st = DecodeBounded(s.lgz.substr(0, len), s.files, 16 << 20);
      ASSERT_FALSE(st.ok()) << "prefix of " << len << " bytes decoded";
      ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    }
  }
}

TEST(LgzRobustness, RandomByteFlipsNeverCrash) {
  std::mt19937_64 rng(20261121);
  std::vector<Stream> vectors = Vectors();
  int decoded = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const Stream& s = vectors[iter % vectors.size()];
    std::string lgz = s.lgz;
    int flips = 1 + int(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      size_t at = rng() % lgz.size();
      lgz[at] = static_cast<char>(rng() % 3 == 0 ? lgz[at] ^ (1 << (rng() % 8)) : rng());
    }
    uint64_t max = (iter % 3 == 0) ? (64 << 10) : (1 << 20);
    decoded += DecodeBounded(lgz, s.files, max).ok();
  }
  std::printf("%d of 20000 corrupted streams still decoded\n", decoded);
}

TEST(LgzRobustness, OutputLimitIsExact) {
  std::string lgz = ReadVector("m/Attr.module.lgz");
  // The module decodes into a buffer of exactly `span` bytes (files + 64 KiB padding).
  uint64_t span = 0;
  for (int i = 0; i < 8; ++i) span |= uint64_t{static_cast<uint8_t>(lgz[8 + i])} << (8 * i);
  EXPECT_TRUE(DecodeBounded(lgz, 3, span).ok());
  absl::Status st = DecodeBounded(lgz, 3, span - 1);
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
  st = DecodeBounded(ReadVector("m/Attr.olean.lgz"), 1, 1000);
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted) << st;
}

// A minimal LGZ2 header (base 0x12340000, span `span`, release 4.25.0) followed by `body`.
std::string Craft(const std::string& body, uint64_t span = 1 << 20) {
  std::string s = "LGZ2";
  s += std::string("\x34\x12\x00\x00", 4);
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(span >> (8 * i)));
  s += std::string(40, '0');
  s += std::string("\x01\x04\x19\x00\xff", 5);
  return s + body;
}

TEST(LgzRobustness, CraftedStreams) {
  using namespace std::string_literals;
  using absl::StatusCode;
  const uint64_t kMax = 1 << 20;
  auto code = [&](const std::string& body, size_t files = 1, uint64_t span = 1 << 20) {
    return DecodeBounded(Craft(body, span), files, kMax).code();
  };
  EXPECT_EQ(code("\xd5"s), StatusCode::kOk);                        // root = scalar 5
  EXPECT_EQ(code("\xa0"s), StatusCode::kOk);                        // field-less ctor tag 10
  EXPECT_EQ(code("\xd5"s, 1, ~uint64_t{0}), StatusCode::kOk);       // absurd span: only a hint
  EXPECT_EQ(code("\x80\x00\xd0\x30x\0"s), StatusCode::kOk);         // Name.str(anonymous, "x")
  EXPECT_EQ(code("\x00\xd2\xff\x30x\0\x80\x00\xd0\xf0"s), StatusCode::kOk);  // ... with a backref'd string
  EXPECT_EQ(code("\xf0"s), StatusCode::kInvalidArgument);           // backref with an empty table
  EXPECT_EQ(code("\x00\xd2\xff\x30x\0\xf1"s), StatusCode::kInvalidArgument);  // backref past the end
  EXPECT_EQ(code("\xff\xd1"s), StatusCode::kInvalidArgument);       // SAVE before a scalar
  EXPECT_EQ(code("\xff\xff\x30x\0"s), StatusCode::kInvalidArgument);  // double SAVE
  EXPECT_EQ(code("\x80\x10"s), StatusCode::kInvalidArgument);       // unused Exprish opcodes
  EXPECT_EQ(code("\x80\x60"s), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("\x80\x20\x80\x00"s), StatusCode::kInvalidArgument);  // escape chain
  EXPECT_EQ(code("\x80\x00\xd1\x30x\0"s), StatusCode::kInvalidArgument);  // Name.str with prefix 1
  EXPECT_EQ(code("\x80\x00\xd0\xd1"s), StatusCode::kInvalidArgument);  // Name.str of a scalar
  EXPECT_EQ(code("\x80\x07\x30x\0"s), StatusCode::kInvalidArgument);  // bvar of a string
  EXPECT_EQ(code("\x80\x21\xd0\xd0"s), StatusCode::kInvalidArgument);  // app of scalars
  EXPECT_EQ(code("\x80\x40\xd0\xd3"s), StatusCode::kOk);  // level list walk stops at any scalar (leantar)
  EXPECT_EQ(code("\x80\x40\xd0\x12\xd0"s), StatusCode::kInvalidArgument);  // List.cons with 1 field
  EXPECT_EQ(code("\x30xyz"s), StatusCode::kInvalidArgument);        // unterminated string
  EXPECT_EQ(code("\x00\xfb\xff\xff\xff\xff\xff\xff\xff\x7f"s), StatusCode::kInvalidArgument);  // 2^63 elements
  EXPECT_EQ(code("\x00\xfa\xff\xff\xff\x0f"s), StatusCode::kResourceExhausted);  // 268M elements
  EXPECT_EQ(code("\x20\xfa\xff\xff\xff\x0f"s), StatusCode::kInvalidArgument);    // sarray > input
  EXPECT_EQ(code("\x40\xfa\xff\xff\xff\x7f"s), StatusCode::kInvalidArgument);    // mpz > input
  EXPECT_EQ(code("\x40\xf8\xff"s), StatusCode::kInvalidArgument);                // negative mpz size
  EXPECT_EQ(code("\x40\xfb\xfe\xff\xff\xff\x00\x00\x00\x00"s), StatusCode::kInvalidArgument);  // leantar's -2
  EXPECT_EQ(code("\x10\xf4\x00\x00\x00"s), StatusCode::kInvalidArgument);        // ctor tag 244
  EXPECT_EQ(code("\x10\x00\xff\xff\xff"s), StatusCode::kInvalidArgument);        // truncated big ctor
  EXPECT_EQ(code("\x10\x00\xff\xff\x00"s + std::string(8 * 0xff, 'z')), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("\xd5"s, 4), StatusCode::kInvalidArgument);        // 4 files
  EXPECT_EQ(code("\xd5"s, 3), StatusCode::kInvalidArgument);        // missing roots 2, 3
  EXPECT_EQ(code("\xd5\xd6\xd7"s, 3), StatusCode::kOk);
  // One million nested thunks: bounded by the output limit, not by the call stack.
  EXPECT_EQ(code(std::string(1 << 20, '\x50') + "\xd0"), StatusCode::kResourceExhausted);
  EXPECT_EQ(DecodeBounded(Craft(std::string(1 << 16, '\x50') + "\xd0"), 1, 64 << 20).code(), StatusCode::kOk);
  // Quadratic hashing attempt: one 100 KB string re-hashed by 200 000 Name.str nodes would be
  // 20 GB of hashing; the work budget turns it into an error instead.
  std::string quad = "\x00\xfa\x40\x0d\x03\x00\xff\x30"s + std::string(100000, 'a') + "\0"s;
  for (int i = 1; i < 200000; ++i) quad += "\x80\x00\xd0\xf0"s;
  EXPECT_EQ(DecodeBounded(Craft(quad), 1, 64 << 20).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace leancache::lgz
