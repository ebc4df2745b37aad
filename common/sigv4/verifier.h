#pragma once
// Verifies a SigV4-signed request (header auth, what curl --aws-sigv4 and Lake send) against
// one registered credential, as an S3 server would (spec test-peers.md §5.2):
//   * Authorization parses; the access key is the registered one; service "s3"; the region is
//     whatever the credential scope says ("auto" for Lake);
//   * `host` and `x-amz-date` are signed; every signed header is present; x-amz-date is
//     yyyymmddThhmmssZ, starts with the credential date and lies within `max_skew` of `now`;
//   * x-amz-content-sha256, when sent, is UNSIGNED-PAYLOAD or 64 lowercase hex. When it is not
//     sent, the payload hash is SHA-256 of the empty string: that is what curl 7.88 signs for
//     `-T` uploads (it never sees the body), so such a body is NOT covered by the signature;
//   * the signature recomputed with the secret matches, compared in constant time.
// Errors carry the S3 error code first in the message ("SignatureDoesNotMatch: …"):
// PermissionDenied → HTTP 403, InvalidArgument → HTTP 400. The secret never appears in them.

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "common/sigv4/canonical.h"

namespace leancache::sigv4 {

// An access key id and its secret (what Lake reads from LAKE_CACHE_KEY as "id:secret").
struct Credential {
  std::string access_key;
  std::string secret_key;  // secret
};

// What a verified request promised about its body.
struct VerifiedRequest {
  std::string access_key;
  std::string region;
  // Hex SHA-256 the body must have, or empty when the body is not covered by the signature
  // (UNSIGNED-PAYLOAD, or no x-amz-content-sha256 header).
  std::string body_sha256;
};

constexpr std::chrono::seconds kDefaultMaxSkew{15 * 60};

// Checks `request` as described above. `now` is the verifier's clock.
absl::StatusOr<VerifiedRequest> Verify(const RequestView& request, const Credential& credential,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds max_skew = kDefaultMaxSkew);

// Parses "yyyymmddThhmmssZ" (UTC). Errors: InvalidArgument.
absl::StatusOr<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text);

}  // namespace leancache::sigv4
