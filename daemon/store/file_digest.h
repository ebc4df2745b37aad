// SHA-256 of a whole file (OpenSSL EVP), read through an already open descriptor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "daemon/index/records.h"

namespace leancache::store {

struct FileDigest {
  index::Sha256 sha256{};
  uint64_t size = 0;  // bytes hashed
};

// Hashes `fd` from offset 0 to end of file (pread; the file offset is not moved), through a
// buffer of at most 1 MiB sized to the file and not zero-filled. `what` names the file in errors.
absl::StatusOr<FileDigest> DigestFile(int fd, std::string_view what);

// SHA-256 of bytes already in memory.
absl::StatusOr<FileDigest> DigestBytes(std::string_view bytes);

// Lowercase hex of a digest, for messages.
std::string Sha256Hex(const index::Sha256& sha256);

}  // namespace leancache::store
