// The CACHEDIR half of `leancache verify`: every archive the index records for one CACHEDIR is
// re-read and compared with its record (file present, same size, same SHA-256), and every
// "<hash16>.ltar" file the index does not know is examined too (an archive with a valid ltar
// header is only unrecorded; an empty or header-less file is unusable). Temp files ("*.part")
// are listed, split into those whose writing process is still alive and orphans.
//
// Without `repair` nothing is changed. With `repair`: corrupt and unusable archives are deleted
// (record and file), records of missing files are dropped, valid unrecorded archives are
// recorded, and orphaned temp files are deleted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/store/blob_store.h"

namespace leancache::verify {

// One archive that is not what the index says.
struct BlobProblem {
  enum class Kind {
    kCorrupt,   // recorded, but the file's size or SHA-256 differs from the record
    kMissing,   // recorded, but the file is gone (or unreadable)
    kUnusable,  // "<hash16>.ltar" with no record that is empty or has no ltar header
  };
  Kind kind = Kind::kCorrupt;
  std::filesystem::path path;
  std::string reason;     // e.g. "SHA-256 ab12..., recorded 9f00..."
  bool repaired = false;  // --repair fixed it (deleted, or record dropped)
};

// "corrupt", "missing", "unusable".
const char* BlobProblemKindName(BlobProblem::Kind kind);

struct CacheDirReport {
  std::filesystem::path dir;
  size_t recorded = 0;          // index records checked
  size_t intact = 0;            // records whose file matched size and SHA-256
  uint64_t bytes_checked = 0;   // bytes hashed for the records that matched
  std::vector<BlobProblem> problems;
  std::vector<std::filesystem::path> unrecorded;  // valid archives without a record
  size_t unrecorded_indexed = 0;                  // of those, recorded by --repair
  std::vector<std::filesystem::path> temp_live;     // "*.part" of a running writer
  std::vector<std::filesystem::path> temp_orphaned; // "*.part" whose writer is gone
  size_t temp_removed = 0;                          // orphans deleted by --repair

  // Problems --repair did not (or was not asked to) fix.
  size_t unresolved() const;
};

struct CheckOptions {
  bool repair = false;
  unsigned threads = 2;                 // archives hashed in parallel
  std::function<bool()> cancelled;      // polled between archives; true stops the check
};

// Checks the CACHEDIR of `store` as described above. Errors: the directory cannot be listed,
// the index cannot be read, or the check was cancelled (Cancelled).
absl::StatusOr<CacheDirReport> CheckCacheDir(store::BlobStore& store, const CheckOptions& options);

// True if "*.part" file `name` was written by a process that no longer exists: our names carry
// the writer's pid ("<hash16>.ltar.<pid>.<random>.part", and Mathlib's "<hash16>.ltar.<pid>.part").
// Names without a pid are never considered orphaned (we cannot tell).
bool IsOrphanedTempFile(const std::string& name);

}  // namespace leancache::verify
