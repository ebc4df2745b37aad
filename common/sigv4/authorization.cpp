#include "common/sigv4/authorization.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace leancache::sigv4 {
namespace {

constexpr absl::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool AllOf(absl::string_view s, bool (*pred)(unsigned char)) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsLowerHex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHeaderNameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '_' || c == '.';
}
bool IsScopeChar(unsigned char c) { return c > ' ' && c < 127 && c != '/' && c != ','; }

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed SigV4 Authorization header: ", what));
}

absl::Status ParseCredential(absl::string_view text, Authorization* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request") {
    return Malformed("Credential must be <key>/<yyyymmdd>/<region>/<service>/aws4_request");
  }
  if (!AllOf(parts[0], IsScopeChar)) return Malformed("bad access key id");
  if (parts[1].size() != 8 || !AllOf(parts[1], IsDigit)) return Malformed("credential date is not yyyymmdd");
  if (!AllOf(parts[2], IsScopeChar) || !AllOf(parts[3], IsScopeChar)) return Malformed("bad region or service");
  out->access_key = std::string(parts[0]);
  out->date = std::string(parts[1]);
  out->region = std::string(parts[2]);
  out->service = std::string(parts[3]);
  return absl::OkStatus();
}

absl::Status ParseSignedHeaders(absl::string_view text, Authorization* out) {
  for (absl::string_view name : absl::StrSplit(text, ';')) {
    if (!AllOf(name, IsHeaderNameChar)) return Malformed("SignedHeaders must be lowercase names separated by ';'");
    if (!out->signed_headers.empty() && !(out->signed_headers.back() < name)) {
      return Malformed("SignedHeaders must be sorted and unique");
    }
    out->signed_headers.emplace_back(name);
  }
  return absl::OkStatus();
}

}  // namespace

std::string Authorization::Scope() const { return absl::StrCat(date, "/", region, "/", service, "/aws4_request"); }

absl::StatusOr<Authorization> ParseAuthorization(std::string_view raw) {
  absl::string_view value = absl::StripAsciiWhitespace(absl::string_view(raw.data(), raw.size()));
  if (!absl::ConsumePrefix(&value, kAlgorithm) || value.empty() || value.front() != ' ') {
    return Malformed(absl::StrCat("the algorithm must be ", kAlgorithm));
  }
  std::vector<absl::string_view> fields = absl::StrSplit(value, ',');
  if (fields.size() != 3) return Malformed("expected Credential=…, SignedHeaders=…, Signature=…");
  static constexpr absl::string_view kNames[3] = {"Credential=", "SignedHeaders=", "Signature="};
  absl::string_view values[3];
  for (int i = 0; i < 3; ++i) {
    absl::string_view field = absl::StripAsciiWhitespace(fields[i]);
    if (!absl::ConsumePrefix(&field, kNames[i])) return Malformed(absl::StrCat("expected ", kNames[i]));
    values[i] = field;
  }
  Authorization out;
  if (auto st = ParseCredential(values[0], &out); !st.ok()) return st;
  if (auto st = ParseSignedHeaders(values[1], &out); !st.ok()) return st;
  if (values[2].size() != 64 || !AllOf(values[2], IsLowerHex)) return Malformed("Signature must be 64 lowercase hex digits");
  out.signature = std::string(values[2]);
  return out;
}

}  // namespace leancache::sigv4
