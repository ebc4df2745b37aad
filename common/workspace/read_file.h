// Whole-file reads with errors that name the file.
#pragma once

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace leancache::workspace {

// Reads all bytes of `file`. Errors: NotFound when it does not exist, otherwise the errno
// category of open/read failures; the message is "{file}: {reason}".
absl::StatusOr<std::string> ReadFileBytes(const std::filesystem::path& file);

}  // namespace leancache::workspace
