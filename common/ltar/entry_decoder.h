// Turning archive entries into file contents (spec §3.3), under decompression caps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/archive.h"
#include "common/ltar/format.h"

namespace leancache::ltar {

// Tracks how many decompressed bytes one archive has produced so far.
struct DecodeBudget {
  Limits limits;
  uint64_t used = 0;
};

// The output files of an entry: one path for modes 0-4, three for mode 5.
std::vector<EntryPath> OutputPaths(const Entry& e);

// Decodes a file entry of `archive` into the contents of OutputPaths(e), in order, charging
// `budget`. Errors (all naming the archive and entry): zstd/LGZ errors (InvalidArgument),
// truncated frames (DataLoss), caps exceeded (ResourceExhausted).
absl::StatusOr<std::vector<std::string>> DecodeEntry(const Archive& archive, const Entry& e,
                                                     DecodeBudget& budget);

// The trace file contents: the decimal header hash for v1, else the decoded trace entry.
absl::StatusOr<std::string> DecodeTrace(const Archive& archive, DecodeBudget& budget);

}  // namespace leancache::ltar
