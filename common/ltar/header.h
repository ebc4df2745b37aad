// The fixed start of an .ltar archive, read without the rest (to admit an archive to a CACHEDIR,
// or to learn its depHash): magic "LTAR" (v1), "LTR2" (v2) or "LTR3" (v3), the trace's depHash
// as a little-endian u64, and the trace file path as a NUL-terminated string (spec/ltar.md
// §3.1). Archive::Parse (archive.h) reads the same fields and then the entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/ltar/format.h"

namespace leancache::ltar {

struct Header {
  ContainerVersion version = ContainerVersion::kV1;
  uint64_t dep_hash = 0;  // header bytes 4..11, little-endian
  std::string trace_path;
};

// Longest trace path accepted in a header (longer ones mean a damaged file).
inline constexpr size_t kMaxTracePathBytes = 4096;

// Parses the header at the start of `bytes` (the first bytes of a file; more is fine).
// Errors (InvalidArgument, naming `what`): shorter than a header, unknown magic, empty trace path,
// no NUL within kMaxTracePathBytes.
absl::StatusOr<Header> ParseHeader(std::string_view bytes, std::string_view what);

// Reads the start of the open file `fd` (from offset 0, with pread) and parses its header.
// `what` names the file in errors.
absl::StatusOr<Header> ReadHeader(int fd, std::string_view what);

}  // namespace leancache::ltar
