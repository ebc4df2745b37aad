// Public API of the LGZ olean transform of leantar 0.1.19 (ltar.md §8): olean image(s) <-> raw
// (not yet zstd-compressed) LGZ stream. The zstd+dictionary layer lives in common/ltar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace leancache::lgz {

// Encodes 1 olean (mode 1) or the 3 files .olean, .olean.server, .olean.private (mode 5) into
// one raw LGZ stream, byte-identical to leantar 0.1.19's. Errors (InvalidArgument) for inputs
// leantar would panic on or that LGZ cannot represent at all; lossy-but-encodable inputs are
// encoded exactly like leantar (use EncodeOleansVerified to reject them).
absl::StatusOr<std::string> EncodeOleans(absl::Span<const std::string_view> files);

// Decodes a raw LGZ stream back into `expected_files` (1 or 3) byte-exact olean images.
// Corrupt/hostile input yields InvalidArgument (never a crash); output beyond
// `max_output_bytes` (all files plus module padding) yields ResourceExhausted.
absl::StatusOr<std::vector<std::string>> DecodeOleans(std::string_view lgz, size_t expected_files,
                                                      uint64_t max_output_bytes);

// EncodeOleans, then DecodeOleans of the result, and compares with the inputs. Returns the
// stream only if it reproduces every input byte for byte; otherwise an error (FailedPrecondition
// for "encodes but does not round-trip"), so the archive writer falls back to plain zstd (mode 0).
// Inputs that fall back (besides everything EncodeOleans rejects):
//  * scalar arrays (ByteArray) with element size byte 1: LGZ drops it, decode writes 0 (§8.8);
//  * negative big integers (MPZ): leantar's sign encoding is undecodable (§8.8);
//  * oleans not laid out in Lean's compactor order (DFS post-order, no unreachable objects, no
//    trailing bytes) or with non-canonical bytes (padding, string length field, v1 reserved
//    bytes, version text that the compact LGZ2 version form cannot reproduce);
//  * v0/v1 oleans from non-GMP platforms (MPZ layout guessed as GMP, like leantar on Linux).
absl::StatusOr<std::string> EncodeOleansVerified(absl::Span<const std::string_view> files);

}  // namespace leancache::lgz
