// libFuzzer entry point for the Lean module-header parser (common/header): ParseHeader on the
// raw bytes (any encoding, tabs, CRLF, unterminated comments and «» escapes), plus the module
// name helpers on each import. Invariants: no crash; every import has a non-empty canonical
// name that re-splits into components which join back to the same text; Init comes first
// unless `prelude` was given.
//
// Built by tests/fuzz/CMakeLists.txt (-DLEANCACHE_BUILD_FUZZ=ON, clang) or tests/fuzz/run_fuzzers.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/header/import_parser.h"
#include "common/header/module_name.h"

namespace {

[[noreturn]] void Fail() { __builtin_trap(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leancache::header;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // The name helpers on the raw input too: they see names from manifests and requests.
  auto parts = SplitModuleName(text);
  if (parts.ok()) {
    if (parts->empty()) Fail();
    (void)JoinModuleName(*parts);
  }
  (void)ModuleRoot(text);

  absl::StatusOr<Header> header = ParseHeader(text);
  if (!header.ok()) {
    if (header.status().message().empty()) Fail();  // errors always say what is wrong
    return 0;
  }
  if (!header->prelude) {
    if (header->imports.empty() || header->imports.front().module != "Init") Fail();
  }
  for (const Import& imp : header->imports) {
    if (imp.module.empty()) Fail();
    auto split = SplitModuleName(imp.module);
    if (!split.ok()) continue;  // exempt names (e.g. containing '»') stay unescaped
    if (JoinModuleName(*split) != imp.module) Fail();
  }
  return 0;
}
