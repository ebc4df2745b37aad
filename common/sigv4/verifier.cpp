#include "common/sigv4/verifier.h"

#include <time.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/sigv4/authorization.h"
#include "common/sigv4/digest.h"

namespace leancache::sigv4 {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

absl::Status Denied(absl::string_view code, absl::string_view message) {
  return absl::PermissionDeniedError(absl::StrCat(code, ": ", message));
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Checks the date header against the credential scope and the clock.
absl::Status CheckDate(const RequestView& request, const Authorization& auth,
                       std::chrono::system_clock::time_point now, std::chrono::seconds max_skew,
                       std::string* amz_date) {
  bool found = false;
  *amz_date = request.Header("x-amz-date", &found);
  if (!found) return Denied("AccessDenied", "x-amz-date header missing");
  auto when = ParseAmzDate(*amz_date);
  if (!when.ok()) return Denied("AccessDenied", "x-amz-date is not yyyymmddThhmmssZ");
  if (!absl::StartsWith(*amz_date, auth.date)) {
    return Denied("AccessDenied", "x-amz-date does not match the credential date");
  }
  auto skew = now > *when ? now - *when : *when - now;
  if (skew > max_skew) {
    return Denied("RequestTimeTooSkewed", absl::StrCat("x-amz-date ", *amz_date, " is more than ",
                                                       max_skew.count(), " s from the server's time"));
  }
  return absl::OkStatus();
}

// The payload hash to put into the canonical request, and the body hash promised (if any).
absl::StatusOr<std::string> PayloadHash(const RequestView& request, std::string* body_sha256) {
  bool found = false;
  std::string value = request.Header("x-amz-content-sha256", &found);
  if (!found) return Sha256Hex("");  // curl 7.88's choice for -T uploads: the body is unsigned
  if (value == kUnsignedPayload) return value;
  if (!IsLowerHex64(value)) {
    return absl::InvalidArgumentError(
        "InvalidArgument: x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the body's lowercase hex SHA-256");
  }
  *body_sha256 = value;
  return value;
}

}  // namespace

absl::StatusOr<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view text) {
  int v[6] = {};
  static constexpr int kPos[6][2] = {{0, 4}, {4, 2}, {6, 2}, {9, 2}, {11, 2}, {13, 2}};
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return absl::InvalidArgumentError("bad x-amz-date");
  for (int i = 0; i < 6; ++i) {
    absl::string_view part(text.data() + kPos[i][0], kPos[i][1]);
    if (!std::all_of(part.begin(), part.end(), absl::ascii_isdigit) || !absl::SimpleAtoi(part, &v[i])) {
      return absl::InvalidArgumentError("bad x-amz-date");
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) {
    return absl::InvalidArgumentError("bad x-amz-date");
  }
  tm t{};
  t.tm_year = v[0] - 1900;
  t.tm_mon = v[1] - 1;
  t.tm_mday = v[2];
  t.tm_hour = v[3];
  t.tm_min = v[4];
  t.tm_sec = v[5];
  return std::chrono::system_clock::from_time_t(timegm(&t));
}

absl::StatusOr<VerifiedRequest> Verify(const RequestView& request, const Credential& credential,
                                       std::chrono::system_clock::time_point now, std::chrono::seconds max_skew) {
  bool has_auth = false;
  std::string header = request.Header("authorization", &has_auth);
  if (!has_auth) return Denied("AccessDenied", "the request is not signed (no SigV4 Authorization header)");
  auto auth = ParseAuthorization(header);
  if (!auth.ok()) return Denied("AccessDenied", auth.status().message());
  if (credential.access_key.empty() || !ConstantTimeEquals(auth->access_key, credential.access_key)) {
    return Denied("InvalidAccessKeyId", "the access key id is not the one registered for this service");
  }
  if (auth->service != "s3") return Denied("AccessDenied", "the credential scope's service must be s3");
  const auto& names = auth->signed_headers;
  for (absl::string_view required : {"host", "x-amz-date"}) {
    if (std::find(names.begin(), names.end(), required) == names.end()) {
      return Denied("AccessDenied", absl::StrCat("SignedHeaders must include ", required));
    }
  }
  for (const std::string& name : names) {
    bool found = false;
    request.Header(name, &found);
    if (!found) return Denied("AccessDenied", absl::StrCat("signed header ", name, " is missing"));
  }
  std::string amz_date;
  if (auto st = CheckDate(request, *auth, now, max_skew, &amz_date); !st.ok()) return st;
  VerifiedRequest out;
  auto payload = PayloadHash(request, &out.body_sha256);
  if (!payload.ok()) return payload.status();
  std::string canonical = CanonicalRequest(request, names, *payload);
  std::string expected = SignatureHex(credential.secret_key, auth->date, auth->region, auth->service,
                                      StringToSign(amz_date, auth->Scope(), canonical));
  if (!ConstantTimeEquals(expected, auth->signature)) {
    return Denied("SignatureDoesNotMatch", "the request signature does not match the registered key");
  }
  out.access_key = auth->access_key;
  out.region = auth->region;
  return out;
}

}  // namespace leancache::sigv4
