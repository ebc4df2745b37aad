#include "common/sigv4/canonical.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/sigv4/digest.h"

namespace leancache::sigv4 {
namespace {

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

// Trims and collapses runs of spaces/tabs to one space (SigV4 canonical header values).
std::string CanonicalValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(absl::string_view(value.data(), value.size()))) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalQuery(const RequestView& request) {
  std::vector<std::pair<std::string, std::string>> params;
  params.reserve(request.query.size());
  for (const auto& [name, value] : request.query) {
    params.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(params.begin(), params.end());
  return absl::StrJoin(params, "&", [](std::string* out, const auto& p) { absl::StrAppend(out, p.first, "=", p.second); });
}

}  // namespace

std::string RequestView::Header(std::string_view lower_name, bool* found) const {
  std::string joined;
  bool any = false;
  for (const auto& [name, value] : headers) {
    if (!absl::EqualsIgnoreCase(name, absl::string_view(lower_name.data(), lower_name.size()))) continue;
    if (any) joined.push_back(',');
    joined += CanonicalValue(value);
    any = true;
  }
  if (found != nullptr) *found = any;
  return joined;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else if (c == '%' && i + 2 < text.size() && absl::ascii_isxdigit(text[i + 1]) &&
               absl::ascii_isxdigit(text[i + 2])) {
      out.push_back('%');
      out.push_back(absl::ascii_toupper(text[i + 1]));
      out.push_back(absl::ascii_toupper(text[i + 2]));
      i += 2;
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string CanonicalRequest(const RequestView& request, const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash) {
  std::string out = absl::StrCat(request.method, "\n", UriEncode(request.path.empty() ? "/" : request.path, true),
                                 "\n", CanonicalQuery(request), "\n");
  for (const std::string& name : signed_headers) absl::StrAppend(&out, name, ":", request.Header(name), "\n");
  absl::StrAppend(&out, "\n", absl::StrJoin(signed_headers, ";"), "\n", std::string(payload_hash));
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  return absl::StrCat("AWS4-HMAC-SHA256\n", std::string(amz_date), "\n", std::string(scope), "\n", Sha256Hex(canonical_request));
}

std::string SignatureHex(std::string_view secret, std::string_view date, std::string_view region,
                         std::string_view service, std::string_view string_to_sign) {
  std::string key = HmacSha256("AWS4" + std::string(secret), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  return HexOf(HmacSha256(key, string_to_sign));
}

}  // namespace leancache::sigv4
