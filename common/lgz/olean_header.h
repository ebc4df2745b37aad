// Olean file headers v0/v1/v2 (ltar.md §8.1) and the LGZ stream header that carries them
// (§8.3). The LGZ header stores the olean header in a compact form; the decoder regenerates it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lgz {

struct OleanHeader {
  uint8_t version = 2;  // 0, 1 or 2
  // MPZ layout. v2: flags bit 0. v0/v1 carry no flag: like leantar 0.1.19 running on x86-64
  // Linux we assume GMP (a v0/v1 olean from a non-GMP platform fails the round-trip check).
  bool gmp = true;
  std::array<char, 33> lean_version{};  // v2 only, NUL-padded
  std::array<char, 40> githash{};       // v1/v2
  uint16_t reserved = 0;                // v1 only: must be 0 (leantar asserts it)
  uint64_t base = 0;
  uint64_t root = 0;

  // Header length in bytes: 32 (v0), 64 (v1), 96 (v2).
  size_t size() const;
  // Byte offsets of the base and root fields.
  size_t base_offset() const;
  size_t root_offset() const;
};

// Parses the header of an olean image. Errors (InvalidArgument, naming `what`): not an olean,
// unknown version byte, truncated, v2 flags other than bit 0, v1 reserved bytes not zero, base
// not 64 KiB aligned or >= 2^48.
absl::StatusOr<OleanHeader> ParseOleanHeader(std::string_view file, std::string_view what);

// Serialises `h` exactly as Lean lays it out (size() bytes).
std::string RenderOleanHeader(const OleanHeader& h);

// Appends the LGZ stream header for `h` (magic LGZ!/LGZ1/LGZ2); `span` is the olean length
// (v0/v1) or end-of-last-file minus base (v2).
void WriteLgzHeader(const OleanHeader& h, uint64_t span, std::string& out);

// Parses an LGZ stream header. On success `*consumed` is its length and `*span` the stored
// length hint. The returned header's root is 0. Errors: InvalidArgument (bad magic, truncated,
// bad version form).
absl::StatusOr<OleanHeader> ReadLgzHeader(std::string_view lgz, size_t* consumed, uint64_t* span);

}  // namespace leancache::lgz
