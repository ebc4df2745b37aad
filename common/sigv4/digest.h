#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL EVP) as SigV4 uses them: raw digests, lowercase hex, and an
// incremental SHA-256 for bodies that arrive in pieces.

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace leancache::sigv4 {

// The 32 raw bytes of SHA-256(data).
std::string Sha256(std::string_view data);

// Lowercase hex (64 chars) of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// The 32 raw bytes of HMAC-SHA256(key, data).
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of arbitrary bytes.
std::string HexOf(std::string_view bytes);

// True when `a` and `b` are equal; the time taken depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// SHA-256 over data fed piecewise (e.g. an HTTP body as it streams in).
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view data);
  // Lowercase hex of everything fed so far. Ends the stream: call once.
  std::string FinishHex();

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace leancache::sigv4
