// libFuzzer entry point for the lake-manifest.json reader (common/workspace/manifest): any
// bytes, valid JSON of the wrong shape, wrapped (old) and flat (new) package entries.
// Invariants: no crash and no escaping exception; errors name the file; every parsed entry has
// a name and a type (unknown types are kept as written) and yields a package directory.
//
// Built by tests/fuzz/CMakeLists.txt (-DLEANCACHE_BUILD_FUZZ=ON, clang) or tests/fuzz/run_fuzzers.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/workspace/manifest.h"

namespace {

[[noreturn]] void Fail() { __builtin_trap(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leancache::workspace;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Manifest> m = ParseManifest(text, "fuzz/lake-manifest.json");
  if (!m.ok()) {
    if (m.status().message().find("fuzz/lake-manifest.json") == std::string_view::npos) Fail();
    return 0;
  }
  for (const ManifestPackage& p : m->packages) {
    if (p.type.empty() || p.name.empty()) Fail();  // the reader fills type (default "git") and requires a name
    (void)p.PackageDirText(m->packages_dir);
  }
  return 0;
}
