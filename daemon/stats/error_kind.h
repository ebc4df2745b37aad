#pragma once
// The kinds of failure `leancache stats` counts, and how a failed transfer or unpack maps to
// one. Names are stable: they are the keys under "errors" in `stats --json` and in the index.

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "daemon/transfer/request.h"

namespace leancache::stats {

enum class ErrorKind {
  kHttp4xx,         // the server refused (4xx other than a miss)
  kHttp5xx,         // the server failed (5xx)
  kTimeout,         // connect/transfer timeout or stall
  kReset,           // connection reset, empty reply, truncated body
  kConnect,         // could not resolve or connect
  kTls,             // TLS handshake or certificate failure
  kCacheFull,       // no room under the cache size cap (everything evictable was pinned)
  kDiskFull,        // ENOSPC writing a download or unpacking
  kCorruptArchive,  // a delivered body is not a valid archive
  kUnpackFailed,    // an archive could not be unpacked
  kOther,
};
inline constexpr size_t kErrorKindCount = static_cast<size_t>(ErrorKind::kOther) + 1;

// "http_4xx", "http_5xx", "timeout", "reset", "connect", "tls", "cache_full", "disk_full",
// "corrupt_archive", "unpack_failed", "other".
std::string_view ErrorKindName(ErrorKind kind);

// The kind of a GET that ended kFailed (its Result, possibly rewritten by the get pipeline's
// finisher: "not a valid archive: ..." is corrupt_archive).
ErrorKind ClassifyTransferFailure(const transfer::Result& result);

// The kind of a failed unpack: disk_full for ENOSPC (ResourceExhausted), else unpack_failed.
ErrorKind ClassifyUnpackFailure(const absl::Status& status);

}  // namespace leancache::stats
