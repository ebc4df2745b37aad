// libFuzzer entry point for the LGZ decoder (common/lgz). Input byte 0 selects 1 or 3 files;
// the rest is a raw LGZ stream. Besides "no crash, bounded output", every stream that decodes
// must survive a re-encode: decode(encode(images)) == images (the encoder may pick different
// opcodes; only the LGZ2 raw version text can legitimately change, so it is not compared).
//
// Build and run by hand (seed corpus: the raw vectors, prefixed with 0x00 for 1 file, 0x01 for 3):
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I/work/main
//     tests/fuzz/lgz_decode_fuzz.cpp common/lgz/*.cpp
//     -labsl_status -labsl_statusor -labsl_str_format_internal -labsl_strings -o lgz_decode_fuzz
//   ./lgz_decode_fuzz -runs=20000 -max_len=20000 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/lgz/lgz_codec.h"

namespace {

constexpr uint64_t kMaxOutput = 4 << 20;

[[noreturn]] void Fail() { __builtin_trap(); }

// Compares two olean images, ignoring the v2 lean_version field (bytes 7..39).
bool SameImage(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  bool v2 = a.size() >= 96 && a.compare(0, 5, "olean") == 0 && a[5] == 2;
  for (size_t i = 0; i < a.size(); ++i) {
    if (v2 && i >= 7 && i < 40) continue;
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t files = (data[0] & 1) != 0 ? 3 : 1;
  std::string_view lgz(reinterpret_cast<const char*>(data + 1), size - 1);
  absl::StatusOr<std::vector<std::string>> out = leancache::lgz::DecodeOleans(lgz, files, kMaxOutput);
  if (!out.ok()) return 0;
  uint64_t total = 0;
  for (const std::string& f : *out) total += f.size();
  if (out->size() != files || total > kMaxOutput) Fail();

  std::vector<std::string_view> views(out->begin(), out->end());
  absl::StatusOr<std::string> again = leancache::lgz::EncodeOleans(views);
  if (!again.ok()) Fail();
  absl::StatusOr<std::vector<std::string>> back = leancache::lgz::DecodeOleans(*again, files, kMaxOutput);
  if (!back.ok()) Fail();
  for (size_t i = 0; i < files; ++i) {
    if (!SameImage((*out)[i], (*back)[i])) Fail();
  }
  return 0;
}
