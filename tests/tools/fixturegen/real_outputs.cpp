#include "real_outputs.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "tests/unit/lgz/olean_generator.h"

namespace leancache::fixturegen {
namespace {

constexpr uint64_t kMaxOleanBytes = 10ull << 20;
constexpr double kOleanPerSourceByte = 34.0;

lgz::testing::GenOptions Options(const std::string& module, int items) {
  lgz::testing::GenOptions opt;
  opt.header.version = 2;
  opt.header.lean_version = "4.25.0";
  // 64 KiB aligned, below 2^48, different per module (as Lean's per-module base addresses).
  opt.header.base = (uint64_t{0x1000} + hash::StringHash(module) % 0x7000) << 16;
  opt.module = true;
  opt.items = items;
  return opt;
}

// Average bytes one top-level item adds to each of the three files (measured once).
double BytesPerItem() {
  static const double per_item = [] {
    constexpr int kItems = 400;
    size_t total = 0;
    for (const std::string& f : lgz::testing::GenerateOlean(7, Options("Calibration", kItems))) total += f.size();
    return static_cast<double>(total) / (3.0 * kItems);
  }();
  return per_item;
}

std::string IleanText(const std::string& module, uint64_t target, std::mt19937_64& rng) {
  static const char* kWords[] = {"Nat", "List", "succ", "add_comm", "Finset", "sum", "Ring",
                                 "Group", "map", "comp", "Filter", "Tendsto", "norm", "le_trans"};
  std::string s = absl::StrCat("{\"version\":4,\"module\":\"", module, "\",\"directImports\":[],",
                               "\"references\":{");
  bool first = true;
  while (s.size() + 2 < target) {
    absl::StrAppend(&s, first ? "" : ",", "\"c:", module, ".", kWords[rng() % 14], "_", rng() % 100000,
                    "\":{\"usages\":[");
    first = false;
    for (int i = 1 + static_cast<int>(rng() % 6); i > 0; --i) {
      uint64_t line = rng() % 3000, col = rng() % 100;
      absl::StrAppend(&s, "[", line, ",", col, ",", line, ",", col + 1 + rng() % 30, "]", i > 1 ? "," : "");
    }
    absl::StrAppend(&s, "],\"definition\":null}");
  }
  absl::StrAppend(&s, "}}");
  return s;
}

std::string CText(const std::string& module, uint64_t target, std::mt19937_64& rng) {
  std::string s = absl::StrCat("// Lean compiler output\n// Module: ", module,
                               "\n// Imports: Init Mathlib.Init\n#include <lean/lean.h>\n",
                               "#if defined(__clang__)\n#pragma clang diagnostic ignored "
                               "\"-Wunused-parameter\"\n#endif\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
  std::string prefix = absl::StrCat("l_", module);
  std::replace(prefix.begin(), prefix.end(), '.', '_');
  for (uint64_t k = 0; s.size() < target; ++k) {
    absl::StrAppend(&s, "LEAN_EXPORT lean_object* ", prefix, "_", k, "(lean_object* x_1, lean_object* x_2) {\n",
                    "_start:\n{\nlean_object* x_3; lean_object* x_4;\n",
                    "x_3 = lean_nat_add(x_1, lean_box(", rng() % 1000, "));\n",
                    "x_4 = lean_apply_1(x_2, x_3);\nreturn x_4;\n}\n}\n");
  }
  absl::StrAppend(&s, "#ifdef __cplusplus\n}\n#endif\n");
  return s;
}

}  // namespace

uint64_t OleanTargetBytes(uint64_t source_bytes, double scale) {
  double bytes = std::min<double>(kMaxOleanBytes, static_cast<double>(source_bytes) * kOleanPerSourceByte);
  return std::max<uint64_t>(2048, static_cast<uint64_t>(bytes * scale));
}

RealOutputs MakeRealOutputs(const std::string& module, uint64_t olean_bytes, uint64_t seed) {
  RealOutputs out;
  const uint64_t module_seed = hash::MixHash(seed, hash::StringHash(module));
  int items = std::max(1, static_cast<int>(static_cast<double>(olean_bytes) / (3.0 * BytesPerItem())));
  out.oleans = lgz::testing::GenerateOlean(module_seed, Options(module, items));
  std::mt19937_64 rng(module_seed);
  out.ilean = IleanText(module, olean_bytes * 12 / 100, rng);
  out.c = CText(module, olean_bytes / 4, rng);
  return out;
}

}  // namespace leancache::fixturegen
