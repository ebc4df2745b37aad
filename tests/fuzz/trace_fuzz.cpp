// libFuzzer entry point for the Lake .trace readers (common/ltar/trace): PlanTrace (what the
// writer stores), TraceDepHash (what `get` compares) and the Rust integer syntax helpers.
// Invariants: no crash and no escaping exception; a re-serialised v3 trace (mode 0 entry) is
// a fixed point of PlanTrace with the same depHash; the rendered mode 3 JSON is read back
// as the same depHash.
//
// Built by tests/fuzz/CMakeLists.txt (-DLEANCACHE_BUILD_FUZZ=ON, clang) or tests/fuzz/run_fuzzers.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ltar/trace.h"

namespace {

[[noreturn]] void Fail() { __builtin_trap(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leancache::ltar;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  uint64_t v = 0;
  if (ParseRustU64(text, 10, &v) && IsCanonicalDecimalU64(text, &v) && std::to_string(v) != text) Fail();
  (void)ParseRustU64(text, 16, &v);

  (void)TraceDepHash(text);
  absl::StatusOr<TracePlan> plan = PlanTrace(text, "fuzz.trace");
  if (!plan.ok()) return 0;

  // Mode 3 output must read back as the same depHash.
  auto back = TraceDepHash(RenderHashJson(plan->dep_hash));
  if (!back.ok() || *back != plan->dep_hash) Fail();

  if (plan->entry_mode == Mode::kZstd) {
    absl::StatusOr<TracePlan> again = PlanTrace(plan->entry_text, "fuzz.trace (normalised)");
    if (!again.ok()) Fail();
    if (again->dep_hash != plan->dep_hash || again->version != plan->version) Fail();
    if (again->entry_mode != Mode::kZstd || again->entry_text != plan->entry_text) Fail();
  }
  return 0;
}
