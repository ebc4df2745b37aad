// Unpacking an `.ltar` archive into base directories (spec §3.4, §5), safely: entry names are
// confined to their base directory, decompression is capped, and all outputs are written to
// temporary files that are renamed into place only after the whole archive decoded.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/archive.h"
#include "common/ltar/format.h"
#include "common/ltar/output_dirs.h"

namespace leancache::ltar {

struct UnpackOptions {
  // Unpack even if base[0]/<trace path> already holds the archive's depHash (leantar -f).
  bool force = false;
  Limits limits;
  // fsync each output before renaming it (leantar does not).
  bool fsync = false;
  // Permission bits of created files; the umask applies. (leantar 0.1.19 creates 0600.)
  mode_t file_mode = 0666;
  // Output directories resolved by earlier archives of the same run (not owned; may be shared
  // by threads). Null: a fresh cache for this call.
  OutputDirs* dirs = nullptr;
};

struct UnpackResult {
  // The trace matched with a single base: nothing was written (leantar's skip, §5.1).
  bool skipped = false;
  // Multi-base with matching trace: number of entries skipped because all outputs existed.
  size_t skipped_entries = 0;
  // Files written, in archive order (resolved paths), and their total size in bytes.
  std::vector<std::string> written;
  uint64_t bytes_written = 0;
};

// True if `status` is the "corrupted archive" class (truncated data), which leantar handles by
// deleting the archive (`--delete-corrupted`).
bool IsCorrupted(const absl::Status& status);

// Unpacks the parsed `archive` into `bases` (base i for entries with base index i).
// Errors (each naming the archive): FailedPrecondition "not enough base paths (expected > i)";
// InvalidArgument for unsafe entry names (absolute, "..", symlink escaping the base), zstd or
// LGZ errors; ResourceExhausted when a cap of options.limits is exceeded; DataLoss for
// truncated frames; I/O errors. On error no output file has been created or replaced, and
// directories created by this call are removed again.
absl::StatusOr<UnpackResult> UnpackArchive(const Archive& archive,
                                           const std::vector<std::string>& bases,
                                           const UnpackOptions& options);

// Reads the archive at `path` and unpacks it. Errors as above, plus NotFound "<path> not found",
// "bad .ltar file", "unsupported compression N" and DataLoss (corrupted).
absl::StatusOr<UnpackResult> UnpackArchiveFile(const std::string& path,
                                               const std::vector<std::string>& bases,
                                               const UnpackOptions& options);

}  // namespace leancache::ltar
