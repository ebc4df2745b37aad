// The project half of `leancache verify`: the build outputs of every module whose archive is in
// CACHEDIR and which counts as unpacked (the archive header's depHash equals the module's
// `.trace` depHash — exactly the test `get` uses to skip an unpack, see get/unpack_plan.h) are
// compared byte for byte with what the archive decodes to. A missing or different output is a
// problem, because `get` would never replace it. Modules whose trace does not match are simply
// not unpacked (the next `get` unpacks them) and are only counted.
//
// The trace file itself is not compared: Lake rewrites it (log, outputs) when it rebuilds a
// module, and its depHash has already been checked.
//
// With `repair`, each module with a problem is unpacked again from its archive (forced).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/archive.h"

namespace leancache::verify {

// One output file of an unpacked module that does not match its archive.
struct ArtifactProblem {
  enum class Kind {
    kMissing,    // the archive has the file, the disk does not
    kDiffers,    // present with other bytes
    kUnchecked,  // the archive cannot be decoded, or an entry name is unusable
  };
  Kind kind = Kind::kDiffers;
  std::string module;
  std::filesystem::path path;     // the output file (or the archive, for kUnchecked)
  std::filesystem::path archive;
  std::string reason;
};

// "missing", "differs", "unchecked".
const char* ArtifactProblemKindName(ArtifactProblem::Kind kind);

// Compares the outputs `archive` decodes to with the files below `base` (base index 0; an entry
// with another base index is reported as kUnchecked). `files_checked` receives the number of
// output files compared. Problems name `module` and `archive_path`. Never modifies anything.
std::vector<ArtifactProblem> CompareArchiveWithDisk(const ltar::Archive& archive,
                                                    const std::filesystem::path& base,
                                                    const std::string& module,
                                                    const std::filesystem::path& archive_path,
                                                    size_t* files_checked);

// One module to check: its archive in CACHEDIR and the directory it unpacks into.
struct ModuleTarget {
  std::string module;
  std::filesystem::path archive;
  std::filesystem::path base;
};

struct ArtifactReport {
  size_t modules_checked = 0;   // targets compared
  size_t files_checked = 0;
  std::vector<ArtifactProblem> problems;
  size_t modules_with_problems = 0;
  size_t modules_repaired = 0;  // unpacked again by --repair
};

struct ArtifactCheckOptions {
  bool repair = false;
  unsigned threads = 2;
  std::function<bool()> cancelled;
};

// Compares every target (in parallel), and with `repair` unpacks the modules with problems
// again. Errors: Cancelled when `cancelled` turned true.
absl::StatusOr<ArtifactReport> CheckArtifacts(const std::vector<ModuleTarget>& targets,
                                              const ArtifactCheckOptions& options);

}  // namespace leancache::verify
