#pragma once
// The SigV4 `Authorization` header:
//   AWS4-HMAC-SHA256 Credential=<access key>/<yyyymmdd>/<region>/<service>/aws4_request,
//   SignedHeaders=<h1;h2;…>, Signature=<64 lowercase hex>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::sigv4 {

struct Authorization {
  std::string access_key;
  std::string date;     // yyyymmdd of the credential scope
  std::string region;   // e.g. "auto" (Lake, curl) or "us-east-1"
  std::string service;  // "s3"
  std::vector<std::string> signed_headers;  // lowercase, in the order given (must be sorted)
  std::string signature;                    // 64 lowercase hex

  // "<date>/<region>/<service>/aws4_request".
  std::string Scope() const;
};

// Parses the header value. Separators may be ", " or ","; the three parts must appear in the
// order above, each once. Errors: InvalidArgument saying what is malformed (never echoing the
// signature).
absl::StatusOr<Authorization> ParseAuthorization(std::string_view value);

}  // namespace leancache::sigv4
