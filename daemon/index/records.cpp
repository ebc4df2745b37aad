#include "daemon/index/records.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/index/byte_codec.h"

namespace leancache::index {
namespace {

constexpr uint8_t kFileFormat = 'F';
constexpr uint8_t kBlobFormat = 'B';
constexpr uint8_t kProjectFormat = 'P';
constexpr uint8_t kCacheDirFormat = 'D';
constexpr uint8_t kStatsFormat = 'S';

// Upper bound on element counts, so a damaged count cannot make us allocate gigabytes.
constexpr uint64_t kMaxListLength = 1 << 20;

#define LC_ASSIGN(lhs, expr)            \
  do {                                  \
    auto lc_tmp = (expr);               \
    if (!lc_tmp.ok()) return lc_tmp.status(); \
    lhs = *std::move(lc_tmp);           \
  } while (0)

absl::Status ExpectFormat(ByteReader& in, uint8_t expected) {
  absl::StatusOr<uint8_t> format = in.U8();
  if (!format.ok()) return format.status();
  if (*format != expected) {
    return in.Malformed(absl::StrCat("format byte ", static_cast<int>(*format), ", expected ",
                                     static_cast<int>(expected)));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ListLength(ByteReader& in) {
  absl::StatusOr<uint64_t> n = in.Varint();
  if (!n.ok()) return n.status();
  // Each element takes at least one byte, which also bounds n by the value size.
  if (*n > kMaxListLength || *n > in.remaining()) {
    return in.Malformed(absl::StrCat("list length ", *n, " is impossible"));
  }
  return *n;
}

}  // namespace

std::string EncodeFileRecord(const FileRecord& r) {
  ByteWriter out;
  out.U8(kFileFormat);
  out.Varint(r.stamp.dev);
  out.Varint(r.stamp.inode);
  out.Varint(r.stamp.size);
  out.SignedVarint(r.stamp.mtime_ns);
  out.SignedVarint(r.stamp.ctime_ns);
  out.Fixed64(r.content_hash);
  out.Varint(r.imports.size());
  for (const std::string& m : r.imports) out.Bytes(m);
  return out.Take();
}

absl::StatusOr<FileRecord> DecodeFileRecord(std::string_view value) {
  ByteReader in(value, "file record");
  if (absl::Status s = ExpectFormat(in, kFileFormat); !s.ok()) return s;
  FileRecord r;
  LC_ASSIGN(r.stamp.dev, in.Varint());
  LC_ASSIGN(r.stamp.inode, in.Varint());
  LC_ASSIGN(r.stamp.size, in.Varint());
  LC_ASSIGN(r.stamp.mtime_ns, in.SignedVarint());
  LC_ASSIGN(r.stamp.ctime_ns, in.SignedVarint());
  LC_ASSIGN(r.content_hash, in.Fixed64());
  uint64_t n = 0;
  LC_ASSIGN(n, ListLength(in));
  r.imports.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view m;
    LC_ASSIGN(m, in.Bytes());
    r.imports.emplace_back(m);
  }
  if (absl::Status s = in.ExpectEnd(); !s.ok()) return s;
  return r;
}

std::string EncodeBlobRecord(const BlobRecord& r) {
  ByteWriter out;
  out.U8(kBlobFormat);
  out.Varint(r.size);
  out.Raw(std::string_view(reinterpret_cast<const char*>(r.sha256.data()), r.sha256.size()));
  out.Bytes(r.origin);
  out.SignedVarint(r.added_ms);
  out.SignedVarint(r.last_access_ms);
  out.Varint(r.users.size());
  for (const std::string& u : r.users) out.Bytes(u);
  return out.Take();
}

absl::StatusOr<BlobRecord> DecodeBlobRecord(std::string_view value) {
  ByteReader in(value, "blob record");
  if (absl::Status s = ExpectFormat(in, kBlobFormat); !s.ok()) return s;
  BlobRecord r;
  LC_ASSIGN(r.size, in.Varint());
  std::string_view sha;
  LC_ASSIGN(sha, in.Raw(r.sha256.size()));
  std::memcpy(r.sha256.data(), sha.data(), r.sha256.size());
  std::string_view origin;
  LC_ASSIGN(origin, in.Bytes());
  r.origin = std::string(origin);
  LC_ASSIGN(r.added_ms, in.SignedVarint());
  LC_ASSIGN(r.last_access_ms, in.SignedVarint());
  uint64_t n = 0;
  LC_ASSIGN(n, ListLength(in));
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view u;
    LC_ASSIGN(u, in.Bytes());
    r.users.emplace(u);
  }
  if (r.users.size() != n) return in.Malformed("duplicate user");
  if (absl::Status s = in.ExpectEnd(); !s.ok()) return s;
  return r;
}

std::string EncodeProjectRecord(const ProjectRecord& r) {
  ByteWriter out;
  out.U8(kProjectFormat);
  out.Fixed64(r.root_hash);
  out.SignedVarint(r.last_get_ms);
  out.Varint(r.gets);
  out.Varint(r.files_downloaded);
  out.Varint(r.bytes_downloaded);
  return out.Take();
}

absl::StatusOr<ProjectRecord> DecodeProjectRecord(std::string_view value) {
  ByteReader in(value, "project record");
  if (absl::Status s = ExpectFormat(in, kProjectFormat); !s.ok()) return s;
  ProjectRecord r;
  LC_ASSIGN(r.root_hash, in.Fixed64());
  LC_ASSIGN(r.last_get_ms, in.SignedVarint());
  LC_ASSIGN(r.gets, in.Varint());
  LC_ASSIGN(r.files_downloaded, in.Varint());
  LC_ASSIGN(r.bytes_downloaded, in.Varint());
  if (absl::Status s = in.ExpectEnd(); !s.ok()) return s;
  return r;
}

std::string EncodeCacheDirRecord(const CacheDirRecord& r) {
  ByteWriter out;
  out.U8(kCacheDirFormat);
  out.Varint(r.id);
  out.SignedVarint(r.scanned_ms);
  return out.Take();
}

absl::StatusOr<CacheDirRecord> DecodeCacheDirRecord(std::string_view value) {
  ByteReader in(value, "cache-dir record");
  if (absl::Status s = ExpectFormat(in, kCacheDirFormat); !s.ok()) return s;
  CacheDirRecord r;
  uint64_t id = 0;
  LC_ASSIGN(id, in.Varint());
  if (id == 0 || id > UINT32_MAX) return in.Malformed(absl::StrCat("cache-dir id ", id, " out of range"));
  r.id = static_cast<uint32_t>(id);
  LC_ASSIGN(r.scanned_ms, in.SignedVarint());
  if (absl::Status s = in.ExpectEnd(); !s.ok()) return s;
  return r;
}

std::string EncodeStatsRecord(const StatsRecord& r) {
  ByteWriter out;
  out.U8(kStatsFormat);
  out.Varint(r.runs);
  out.SignedVarint(r.first_ms);
  out.SignedVarint(r.last_ms);
  out.Bytes(r.command);
  out.Varint(r.counters.size());
  for (const auto& [name, value] : r.counters) {
    out.Bytes(name);
    out.Varint(value);
  }
  return out.Take();
}

absl::StatusOr<StatsRecord> DecodeStatsRecord(std::string_view value) {
  ByteReader in(value, "stats record");
  if (absl::Status s = ExpectFormat(in, kStatsFormat); !s.ok()) return s;
  StatsRecord r;
  LC_ASSIGN(r.runs, in.Varint());
  LC_ASSIGN(r.first_ms, in.SignedVarint());
  LC_ASSIGN(r.last_ms, in.SignedVarint());
  std::string_view command;
  LC_ASSIGN(command, in.Bytes());
  r.command = std::string(command);
  uint64_t n = 0;
  LC_ASSIGN(n, ListLength(in));
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name;
    uint64_t v = 0;
    LC_ASSIGN(name, in.Bytes());
    LC_ASSIGN(v, in.Varint());
    if (!r.counters.emplace(std::string(name), v).second) return in.Malformed("duplicate counter");
  }
  if (absl::Status s = in.ExpectEnd(); !s.ok()) return s;
  return r;
}

}  // namespace leancache::index
