// Mathlib's root hash (spec: mathlib-cache.md §1.3–§1.4).
//
// Inputs: D = mathlib_dir, the files D/lakefile.lean, D/lean-toolchain, D/lake-manifest.json
// (Mathlib's own, even downstream; a missing one is an error naming it), the generation G, and
// in old eras Lean's githash or version string. Formulas by era (Hc = content hash):
//   kCurrent          (2025-06-10 →)         listHash([G, Hc1, Hc2, Hc3])
//   kGenerationGithash (2025-04-03..06-09)   listHash([G, Hs(githash), Hc1, Hc2, Hc3])
//   kGithash          (2023-12-01..2025-04-02) listHash([Hs(githash), Hc1, Hc2, Hc3])
//   kVersionString    (2023-10-05..11-30)    listHash([Hs(versionString), Hc1, Hc2, Hc3])
//   kFilesOnly        (≤ 2023-10-04)         listHash([Hc1, Hc2, Hc3])
//
// Generation G: options.generation if given; else `rootHashGeneration` read from
// D/Cache/IO.lean (the form `def rootHashGeneration : UInt64 := 4`; decimal or 0x hex); else, if
// D/Cache/IO.lean does not exist at all, kDefaultGeneration (4, M-2607).
//
// Era selection with kAuto:
//   * G known (option or IO.lean) → kCurrent, except when a githash is given and
//     D/Cache/Hashing.lean mentions `githash` → kGenerationGithash;
//   * D/Cache/IO.lean exists without the constant (pre-2025-04 Mathlib) → kGithash when a
//     githash is given, kVersionString when a version string is given, else an error
//     (FailedPrecondition) asking for one;
//   * no D/Cache/IO.lean → kCurrent with G = kDefaultGeneration.
// Any G (0–5 so far) works with kCurrent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/keys/source_reader.h"

namespace leancache::keys {

inline constexpr uint64_t kDefaultGeneration = 4;

enum class RootHashEra { kAuto, kCurrent, kGenerationGithash, kGithash, kVersionString, kFilesOnly };

// Name of an era as reported in RootHashInfo::era: "current", "generation+githash", "githash",
// "version-string", "files-only".
std::string_view EraName(RootHashEra era);

struct RootHashOptions {
  std::optional<uint64_t> generation;         // overrides Cache/IO.lean
  std::optional<std::string> githash;         // Lean.githash (40 hex) for the githash eras
  std::optional<std::string> version_string;  // Lean.versionString for the 2023-10 era
  RootHashEra era = RootHashEra::kAuto;       // force an era instead of auto-detection
};

struct RootHashInfo {
  uint64_t root_hash = 0;
  uint64_t generation = 0;  // the G used (0 for eras without G)
  std::string era;          // EraName of the era used
};

// Parses `rootHashGeneration` out of the text of Cache/IO.lean; nullopt when absent.
std::optional<uint64_t> ParseRootHashGeneration(std::string_view io_lean_text);

// Computes the root hash. Files are hashed through `reader_or_null->ContentHashOf` when a reader
// is given (so a memoising reader can serve them), else read from disk. Errors name the file
// (missing/unreadable/non-UTF-8) or say which era input is missing.
absl::StatusOr<RootHashInfo> ComputeRootHash(const std::filesystem::path& mathlib_dir,
                                             const RootHashOptions& options,
                                             SourceReader* reader_or_null);

}  // namespace leancache::keys
