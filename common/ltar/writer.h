// Building `.ltar` archives as leantar 0.1.19 writes them (spec §4), without its silent-loss
// bugs: a module whose .olean is not a real olean keeps its .server/.private as separate
// entries, mode 2 is used only when the decimal text round-trips exactly, and an olean that the
// LGZ codec cannot round-trip is stored as mode 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/format.h"

namespace leancache::ltar {

// One item after the trace: a file (stored name + contents + base index) or a comment.
struct PackSource {
  enum class Kind { kFile, kComment };
  Kind kind = Kind::kFile;
  uint8_t base = 0;      // base index (must be 0 unless the archive is LTR3)
  std::string name;      // kFile: stored name, exactly as given; kComment: the comment text
  std::string content;   // kFile: file bytes
};

// What the writer stored, per entry (for listings and tests).
struct PackedEntry {
  bool is_comment = false;
  std::string name;  // file name, or the comment text
  Mode mode = Mode::kZstd;
  std::vector<std::string> extra_names;  // mode 5
};

struct BuiltArchive {
  std::string bytes;
  ContainerVersion version = ContainerVersion::kV1;
  uint64_t dep_hash = 0;
  Mode trace_mode = Mode::kZstd;  // v2/v3 only
  std::vector<PackedEntry> entries;
};

// Builds an archive from in-memory inputs. `trace_name` is stored in the header; `trace_text`
// decides the container version (see trace.h PlanTrace). Items are grouped into modules (§4.3)
// and encoded per §4.2 (zstd level 19; LGZ via the verified encoder with fallback to mode 0).
// Errors: InvalidArgument for a bad trace, NUL bytes in names/comments, an empty name, or a
// base index != 0 in an LTAR/LTR2 archive; zstd errors.
absl::StatusOr<BuiltArchive> BuildArchive(std::string_view trace_name, std::string_view trace_text,
                                          const std::vector<PackSource>& items);

// One command-line item for PackArchive: a file argument (read from bases[base]/name, or from
// `name` itself if it is absolute) or a comment.
struct PackItem {
  PackSource::Kind kind = PackSource::Kind::kFile;
  uint8_t base = 0;
  std::string text;  // file name as given, or comment text
};

// Reads the trace and item files relative to `bases`, builds the archive and writes it
// atomically to `out_path` (temp file in its directory, renamed at the end; nothing is left on
// error). Errors: NotFound "<path> not found" for missing inputs, FailedPrecondition
// "not enough base paths (expected > i)", BuildArchive's errors, I/O errors.
absl::StatusOr<BuiltArchive> PackArchive(const std::string& out_path,
                                         const std::vector<std::string>& bases,
                                         std::string_view trace_name,
                                         const std::vector<PackItem>& items);

}  // namespace leancache::ltar
