// Parsing of `.ltar` containers (LTAR / LTR2 / LTR3; spec §3). An Archive owns the archive
// bytes and an index of its entries; payloads are decoded separately (entry_decoder.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/format.h"

namespace leancache::ltar {

// A path stored in an archive: base directory index (always 0 before LTR3) + name.
struct EntryPath {
  uint8_t base = 0;
  std::string name;
};

struct Entry {
  enum class Kind { kFile, kComment };
  Kind kind = Kind::kFile;
  uint64_t offset = 0;   // byte offset of the entry in the archive
  std::string comment;   // kComment only
  EntryPath path;        // kFile: the (first) output file
  Mode mode = Mode::kZstd;
  std::vector<EntryPath> extra_paths;  // kLgzModule: .olean.server, .olean.private
  uint64_t payload_offset = 0;         // modes 0/1/5: the zstd bytes
  uint64_t payload_size = 0;
  uint64_t value = 0;                  // modes 2/3
  HashOutput hash_output;              // mode 4
};

class Archive {
 public:
  // Parses `bytes`. `name` (usually the file path) prefixes every error message.
  // Errors: Unimplemented "<name>: LTR4 (leantar 0.1.20 -s) archives are not supported
  // yet"; InvalidArgument "<name>: bad .ltar file" (other magic), "<name>: unsupported compression
  // N", malformed mode-4 tags; DataLoss "<name>: ... truncated" when the data ends inside the
  // header or an entry (a cut exactly at an entry boundary is indistinguishable from a shorter
  // archive and parses fine).
  static absl::StatusOr<Archive> Parse(std::string bytes, std::string name);
  // Reads and parses the file at `path`. Errors as Parse, plus NotFound "<path> not found".
  static absl::StatusOr<Archive> ReadFile(const std::string& path);

  const std::string& name() const { return name_; }
  ContainerVersion version() const { return version_; }
  uint64_t dep_hash() const { return dep_hash_; }
  // Trace file path (relative to base 0), from the header.
  const std::string& trace_path() const { return trace_path_; }
  // The trace entry (v2/v3; its path is {0, trace_path}); nullopt for v1.
  const std::optional<Entry>& trace_entry() const { return trace_entry_; }
  // Entries after the trace entry, in archive order (files and comments).
  const std::vector<Entry>& entries() const { return entries_; }
  // All comment texts in order.
  std::vector<std::string> comments() const;
  // The stored (compressed) payload bytes of a mode 0/1/5 entry.
  std::string_view payload(const Entry& e) const {
    return std::string_view(bytes_).substr(e.payload_offset, e.payload_size);
  }
  size_t size() const { return bytes_.size(); }

 private:
  std::string bytes_;
  std::string name_;
  ContainerVersion version_ = ContainerVersion::kV1;
  uint64_t dep_hash_ = 0;
  std::string trace_path_;
  std::optional<Entry> trace_entry_;
  std::vector<Entry> entries_;
};

}  // namespace leancache::ltar
