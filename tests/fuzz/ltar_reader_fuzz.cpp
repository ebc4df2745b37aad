// libFuzzer entry point for the .ltar reader (common/ltar): container parsing, the zstd layer
// (with and without the leangz dictionary), LGZ decoding of modes 1/5, trace rendering and the
// entry-name safety check. Invariants: no crash, bounded output, parsed payloads lie inside the
// input, and a parsed archive's structure is stable under re-parsing.
//
// Built by tests/fuzz/CMakeLists.txt (-DLEANCACHE_BUILD_FUZZ=ON, clang) or directly, see
// tests/integration/fuzz_smoke_test.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/fs/confined_path.h"
#include "common/ltar/archive.h"
#include "common/ltar/entry_decoder.h"

namespace {

[[noreturn]] void Fail() { __builtin_trap(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leancache;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ltar::Archive> a = ltar::Archive::Parse(bytes, "fuzz.ltar");
  if (!a.ok()) return 0;
  for (const ltar::Entry& e : a->entries()) {
    if (e.payload_offset > size || e.payload_size > size - e.payload_offset) Fail();
  }
  // Re-parsing the same bytes must give the same structure.
  absl::StatusOr<ltar::Archive> again = ltar::Archive::Parse(bytes, "fuzz.ltar");
  if (!again.ok() || again->entries().size() != a->entries().size()) Fail();

  ltar::DecodeBudget budget;
  budget.limits.max_entry_bytes = 1 << 20;
  budget.limits.max_archive_bytes = 4 << 20;
  (void)ltar::DecodeTrace(*a, budget);
  (void)fs::SplitSafeRelativePath(a->trace_path());
  for (const ltar::Entry& e : a->entries()) {
    if (e.kind != ltar::Entry::Kind::kFile) continue;
    for (const ltar::EntryPath& p : ltar::OutputPaths(e)) (void)fs::SplitSafeRelativePath(p.name);
    absl::StatusOr<std::vector<std::string>> c = ltar::DecodeEntry(*a, e, budget);
    if (c.ok()) {
      uint64_t total = 0;
      for (const std::string& s : *c) {
        if (s.size() > budget.limits.max_entry_bytes) Fail();
        total += s.size();
      }
      if (c->size() != ltar::OutputPaths(e).size()) Fail();
      (void)total;
    }
    if (budget.used > budget.limits.max_archive_bytes) Fail();
  }
  return 0;
}
