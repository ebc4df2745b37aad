// The records stored in the index's tables and their binary encoding.
//
// Encoding (schema version 1, see Index::kSchemaVersion). Every value starts with one format
// byte naming its record type and revision; the fields follow in the order below with no
// padding. varint = unsigned LEB128; svarint = zigzag-encoded signed LEB128; fixed64 = 8 bytes
// little-endian; str = varint length + bytes. A decoder rejects an unknown format byte, a short
// value and trailing bytes (DataLoss), so damage is never read as data.
//
//   files    key: absolute path (or "\xff" + SHA-256 of the path when longer than LMDB's key limit)
//            0x46 'F' | varint dev | varint inode | varint size | svarint mtime_ns |
//            svarint ctime_ns | fixed64 content_hash | varint n | n x str import
//   blobs    key: fixed32 big-endian cache-dir id | fixed64 big-endian archive key
//            0x42 'B' | varint size | 32 bytes SHA-256 | str origin | svarint added_ms |
//            svarint last_access_ms | varint n | n x str user (sorted, unique)
//   projects key: project root path (hashed like files when too long)
//            0x50 'P' | fixed64 root_hash | svarint last_get_ms | varint gets |
//            varint files_downloaded | varint bytes_downloaded
//   meta     "schema_version" -> fixed32 version
//            "cachedir_next_id" -> varint next id
//            "cachedir:" + path (hashed when too long) ->
//            0x44 'D' | varint id | svarint scanned_ms (0 = never scanned)
//            "stats:" + name -> (added in schema 1 without a bump: a new key and format byte
//            that older daemons ignore)
//            0x53 'S' | varint runs | svarint first_ms | svarint last_ms | str command |
//            varint n | n x (str counter name | varint value)   (names sorted, unique)
//
// Adding a field or changing a layout means a new format byte or a schema version bump.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/index/file_stamp.h"

namespace leancache::index {

// `files`: what the hashing engine learnt from one source file at one stamp.
struct FileRecord {
  FileStamp stamp;
  uint64_t content_hash = 0;
  std::vector<std::string> imports;  // module names, in source order

  bool operator==(const FileRecord&) const = default;
};

using Sha256 = std::array<uint8_t, 32>;

// `blobs`: one archive in one CACHEDIR.
struct BlobRecord {
  uint64_t size = 0;
  Sha256 sha256{};
  std::string origin;  // URL it was downloaded from; empty when found already in CACHEDIR
  int64_t added_ms = 0;        // unix ms
  int64_t last_access_ms = 0;  // unix ms
  std::set<std::string> users;  // project roots that used it

  bool operator==(const BlobRecord&) const = default;
};

// `projects`: per-project bookkeeping.
struct ProjectRecord {
  uint64_t root_hash = 0;
  int64_t last_get_ms = 0;
  uint64_t gets = 0;
  uint64_t files_downloaded = 0;
  uint64_t bytes_downloaded = 0;

  bool operator==(const ProjectRecord&) const = default;
};

// `meta` entry for one CACHEDIR: its short id (prefix of its blob keys) and scan marker.
struct CacheDirRecord {
  uint32_t id = 0;
  int64_t scanned_ms = 0;  // 0 = the directory has never been scanned into this index

  bool operator==(const CacheDirRecord&) const = default;
};

// `meta` "stats:<name>": command statistics (daemon/stats): how many runs were summed, when the
// first and the last of them started, the command word of the last one, and named counters.
struct StatsRecord {
  uint64_t runs = 0;
  int64_t first_ms = 0;  // unix ms
  int64_t last_ms = 0;   // unix ms
  std::string command;   // command word of the last run summed in ("get", "get!", "put", ...)
  std::map<std::string, uint64_t> counters;

  bool operator==(const StatsRecord&) const = default;
};

std::string EncodeFileRecord(const FileRecord& record);
std::string EncodeBlobRecord(const BlobRecord& record);
std::string EncodeProjectRecord(const ProjectRecord& record);
std::string EncodeCacheDirRecord(const CacheDirRecord& record);
std::string EncodeStatsRecord(const StatsRecord& record);

// Decoders: DataLoss on any malformation (wrong format byte, short value, trailing bytes).
absl::StatusOr<FileRecord> DecodeFileRecord(std::string_view value);
absl::StatusOr<BlobRecord> DecodeBlobRecord(std::string_view value);
absl::StatusOr<ProjectRecord> DecodeProjectRecord(std::string_view value);
absl::StatusOr<CacheDirRecord> DecodeCacheDirRecord(std::string_view value);
absl::StatusOr<StatsRecord> DecodeStatsRecord(std::string_view value);

}  // namespace leancache::index
