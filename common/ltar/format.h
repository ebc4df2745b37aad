// Constants and small value types of the `.ltar` container format (leantar 0.1.19).
// See /work/shared/spec/ltar.md §3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leancache::ltar {

// Container version, selected by the header magic.
enum class ContainerVersion : uint8_t {
  kV1 = 1,  // "LTAR": decimal trace, no trace entry, no base index bytes
  kV2 = 2,  // "LTR2": trace entry after the header, no base index bytes
  kV3 = 3,  // "LTR3": like v2, plus a base index byte before every entry
};

// Payload encodings ("compression modes") of an entry.
enum class Mode : uint8_t {
  kZstd = 0,        // u64 N + N bytes of zstd frame(s), no dictionary
  kLgz = 1,         // u64 N + N bytes of dictionary zstd holding one LGZ stream (1 file)
  kHashPlain = 2,   // u64 value -> decimal text
  kHashJson = 3,    // u64 value -> {"depHash":"<decimal>"}
  kHashOutput = 4,  // Lake v3 trace with outputs, tag-delimited
  kLgzModule = 5,   // 2 extra paths + u64 N + N bytes: LGZ stream for .olean/.server/.private
};

inline constexpr std::string_view kMagicV1 = "LTAR";
inline constexpr std::string_view kMagicV2 = "LTR2";
inline constexpr std::string_view kMagicV3 = "LTR3";
// leantar 0.1.20 `-s` (content-stable, Lake >= 4.33) archives: layout unknown, recognised only
// to say so (spec lake-native-cache-2026.md §1.3).
inline constexpr std::string_view kMagicV4 = "LTR4";
inline constexpr uint32_t kDictionaryId = 0x5F4737D2;
inline constexpr int kZstdLevel = 19;

// Returns the 4-byte magic of a container version.
std::string_view MagicFor(ContainerVersion v);
// The container version a 4-byte magic selects; nullopt for any other (LTR4 included).
std::optional<ContainerVersion> VersionForMagic(std::string_view magic);
// Human-readable mode name ("zstd", "lgz", ...), for listings.
std::string_view ModeName(Mode m);

// Decompression caps, so that a zstd bomb fails cleanly instead of exhausting memory/disk.
struct Limits {
  uint64_t max_entry_bytes = uint64_t{1} << 30;    // per produced file (and per LGZ stream)
  uint64_t max_archive_bytes = uint64_t{4} << 30;  // sum over all files of one archive
};

// Payload of a mode-4 (HASH_OUTPUT) entry: the fields of a Lake "2025-09-10" trace.
struct HashOutput {
  uint64_t dep_hash = 0;
  uint64_t olean = 0;
  uint64_t ilean = 0;
  uint64_t c = 0;
  std::vector<uint64_t> extra_oleans;  // .olean.server, .olean.private (at most 2)
  std::optional<uint64_t> bc;
};


}  // namespace leancache::ltar
