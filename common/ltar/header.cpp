#include "common/ltar/header.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::ltar {
namespace {

constexpr size_t kFixedBytes = 12;  // magic + depHash

absl::Status Bad(std::string_view what, std::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(what), ": not an ltar archive (", std::string(detail), ")"));
}

}  // namespace

absl::StatusOr<Header> ParseHeader(std::string_view bytes, std::string_view what) {
  if (bytes.empty()) return Bad(what, "empty file");
  if (bytes.size() < kFixedBytes + 1) return Bad(what, absl::StrCat("truncated header, ", bytes.size(), " bytes"));
  Header header;
  auto version = VersionForMagic(bytes.substr(0, 4));
  if (!version) return Bad(what, "bad magic");
  header.version = *version;
  for (int i = 0; i < 8; ++i) {
    header.dep_hash |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[4 + i])) << (8 * i);
  }
  std::string_view rest = bytes.substr(kFixedBytes, kMaxTracePathBytes + 1);
  size_t nul = rest.find('\0');
  if (nul == std::string_view::npos) {
    return Bad(what, rest.size() > kMaxTracePathBytes ? "trace path too long" : "truncated header");
  }
  if (nul == 0) return Bad(what, "empty trace path");
  header.trace_path = std::string(rest.substr(0, nul));
  return header;
}

absl::StatusOr<Header> ReadHeader(int fd, std::string_view what) {
  std::string buf(kFixedBytes + kMaxTracePathBytes + 1, '\0');
  size_t have = 0;
  while (have < buf.size()) {
    ssize_t n = ::pread(fd, buf.data() + have, buf.size() - have, static_cast<off_t>(have));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fs::ErrnoError(errno, absl::StrCat("read ", std::string(what)));
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
    // Stop as soon as the trace path's terminator is in the buffer.
    if (have > kFixedBytes && std::memchr(buf.data() + kFixedBytes, '\0', have - kFixedBytes)) break;
  }
  buf.resize(have);
  return ParseHeader(buf, what);
}

}  // namespace leancache::ltar
