#pragma once
// SigV4's canonical request and string to sign, computed from a request as it arrived
// (AWS "Create a canonical request", S3 flavour: the path is encoded once, never normalised).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leancache::sigv4 {

// One received HTTP request, as sent on the wire.
struct RequestView {
  std::string method;  // "PUT"
  std::string path;    // raw request path without the query, percent-encoding untouched
  // Raw query parameters (still percent-encoded), in any order; a parameter without '=' has "".
  std::vector<std::pair<std::string, std::string>> query;
  // Headers as received (any case); a name may repeat.
  std::vector<std::pair<std::string, std::string>> headers;

  // Values of header `lower_name` (case-insensitive match), joined by ',' as SigV4 does, with
  // surrounding whitespace trimmed and inner runs of spaces collapsed. nullopt-like: `found`
  // says whether the header was present at all.
  std::string Header(std::string_view lower_name, bool* found = nullptr) const;
};

// RFC 3986 encoding as SigV4 wants it: unreserved bytes (A-Z a-z 0-9 - _ . ~) stay, every other
// byte becomes %XX (uppercase). With `keep_slash`, '/' stays too. An existing well-formed %XX
// escape is kept (hex uppercased), so encoding is idempotent on what Lake and curl send.
std::string UriEncode(std::string_view text, bool keep_slash);

// The canonical request:
//   METHOD \n URI \n QUERY \n (name:value\n for each signed header) \n SIGNED;HEADERS \n PAYLOAD
std::string CanonicalRequest(const RequestView& request, const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

// Hex HMAC-SHA256 of `string_to_sign` under the key derived from `secret` for
// date/region/service (kSecret = "AWS4"+secret → date → region → service → "aws4_request").
std::string SignatureHex(std::string_view secret, std::string_view date, std::string_view region,
                         std::string_view service, std::string_view string_to_sign);

}  // namespace leancache::sigv4
