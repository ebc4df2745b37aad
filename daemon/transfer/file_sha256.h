#pragma once
// SHA-256 of a file's bytes, for the S3 `x-amz-content-sha256` payload-hash header.

#include <string>

#include "absl/status/statusor.h"

namespace leancache::transfer {

// Lower-case hex SHA-256 (64 chars) of the whole file at `path`.
// Errors: NotFound / PermissionDenied / Internal naming `path` when it cannot be read.
absl::StatusOr<std::string> FileSha256Hex(const std::string& path);

}  // namespace leancache::transfer
