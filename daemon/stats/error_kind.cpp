#include "daemon/stats/error_kind.h"

#include <curl/curl.h>

#include <string>

namespace leancache::stats {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kHttp4xx: return "http_4xx";
    case ErrorKind::kHttp5xx: return "http_5xx";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kReset: return "reset";
    case ErrorKind::kConnect: return "connect";
    case ErrorKind::kTls: return "tls";
    case ErrorKind::kCacheFull: return "cache_full";
    case ErrorKind::kDiskFull: return "disk_full";
    case ErrorKind::kCorruptArchive: return "corrupt_archive";
    case ErrorKind::kUnpackFailed: return "unpack_failed";
    case ErrorKind::kOther: return "other";
  }
  return "other";
}

ErrorKind ClassifyTransferFailure(const transfer::Result& r) {
  if (r.refused_room) return ErrorKind::kCacheFull;
  if (r.error.find("not a valid archive") != std::string::npos) return ErrorKind::kCorruptArchive;
  if (r.error.find("No space left on device") != std::string::npos) return ErrorKind::kDiskFull;
  switch (r.curl_code) {
    case CURLE_OK: break;
    case CURLE_OPERATION_TIMEDOUT: return ErrorKind::kTimeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return ErrorKind::kReset;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ErrorKind::kConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return ErrorKind::kTls;
    default:
      if (r.http_status < 400) return ErrorKind::kOther;
  }
  if (r.http_status >= 500) return ErrorKind::kHttp5xx;
  if (r.http_status >= 400) return ErrorKind::kHttp4xx;
  // A body shorter than its Content-Length (curl OK, status 200) is a cut connection.
  if (r.error.find("Content-Length") != std::string::npos) return ErrorKind::kReset;
  return ErrorKind::kOther;
}

ErrorKind ClassifyUnpackFailure(const absl::Status& status) {
  if (absl::IsResourceExhausted(status) ||
      std::string(status.message()).find("No space left on device") != std::string::npos) {
    return ErrorKind::kDiskFull;
  }
  return ErrorKind::kUnpackFailed;
}

}  // namespace leancache::stats
