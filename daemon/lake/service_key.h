#pragma once
// The one key the loopback service accepts writes from: what the user's Lake sends as
// LAKE_CACHE_KEY ("<access key id>:<secret>", curl's --user form). `leancache lake setup`
// registers it; it lives in <state dir>/lake-service.key, mode 0600, and is never logged.

#include <filesystem>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/sigv4/verifier.h"

namespace leancache::lake {

// Splits "id:secret" at the first ':' (as curl does for --user). Errors: InvalidArgument when
// either part is empty or there is no ':' (the message never contains the key).
absl::StatusOr<sigv4::Credential> ParseLakeCacheKey(std::string_view text);

// <state_dir>/lake-service.key
std::filesystem::path WriteKeyPath(const std::filesystem::path& state_dir);

// Stores `key` (validated with ParseLakeCacheKey) atomically with mode 0600.
absl::Status RegisterWriteKey(const std::filesystem::path& state_dir, std::string_view key);

// The registered key. Errors: NotFound when none is registered; FailedPrecondition when the file
// is readable by others than its owner (it is then ignored); InvalidArgument when malformed.
absl::StatusOr<sigv4::Credential> LoadWriteKey(const std::filesystem::path& state_dir);

}  // namespace leancache::lake
