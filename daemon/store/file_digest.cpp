#include "daemon/store/file_digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::store {

namespace {

using DigestCtx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

absl::StatusOr<DigestCtx> NewSha256() {
  DigestCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot initialise SHA-256");
  }
  return ctx;
}

absl::Status Finish(EVP_MD_CTX* ctx, FileDigest& digest) {
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, digest.sha256.data(), &len) != 1 || len != digest.sha256.size()) {
    return absl::InternalError("SHA-256 finalisation failed");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FileDigest> DigestFile(int fd, std::string_view what) {
  absl::StatusOr<DigestCtx> ctx = NewSha256();
  if (!ctx.ok()) return ctx.status();
  // Sized to the file (a 1 MiB zero-filled vector per call was a memset and an mmap per small
  // Lake artifact); a file that grows meanwhile is still read to its end.
  struct stat st;
  constexpr size_t kMax = size_t{1} << 20;
  size_t size = ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 4096;
  size = std::min(size, kMax);
  std::unique_ptr<char[]> buf = std::make_unique_for_overwrite<char[]>(size);
  FileDigest digest;
  for (;;) {
    ssize_t n = ::pread(fd, buf.get(), size, static_cast<off_t>(digest.size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fs::ErrnoError(errno, absl::StrCat("read ", std::string(what)));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx->get(), buf.get(), static_cast<size_t>(n));
    digest.size += static_cast<uint64_t>(n);
  }
  if (absl::Status s = Finish(ctx->get(), digest); !s.ok()) return s;
  return digest;
}

absl::StatusOr<FileDigest> DigestBytes(std::string_view bytes) {
  absl::StatusOr<DigestCtx> ctx = NewSha256();
  if (!ctx.ok()) return ctx.status();
  EVP_DigestUpdate(ctx->get(), bytes.data(), bytes.size());
  FileDigest digest;
  digest.size = bytes.size();
  if (absl::Status s = Finish(ctx->get(), digest); !s.ok()) return s;
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
