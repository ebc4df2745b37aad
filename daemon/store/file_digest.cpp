#include "daemon/store/file_digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::store {

absl::StatusOr<FileDigest> DigestFile(int fd, std::string_view what) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot initialise SHA-256");
  }
  std::vector<char> buf(1 << 20);
  FileDigest digest;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(digest.size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fs::ErrnoError(errno, absl::StrCat("read ", std::string(what)));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
    digest.size += static_cast<uint64_t>(n);
  }
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.sha256.data(), &len) != 1 || len != digest.sha256.size()) {
    return absl::InternalError("SHA-256 finalisation failed");
  }
  return digest;
}

std::string Sha256Hex(const index::Sha256& sha256) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : sha256) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace leancache::store
