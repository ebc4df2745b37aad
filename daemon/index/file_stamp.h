// FileStamp: the stat(2) facts that identify one version of a file's contents, and how to take
// them. Two equal stamps mean "the file was not modified in between" except for edits made within
// one filesystem timestamp tick of the last change, which MemoSourceReader guards against.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace leancache::index {

struct FileStamp {
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // st_mtim as nanoseconds since the epoch
  int64_t ctime_ns = 0;  // st_ctim as nanoseconds since the epoch

  bool operator==(const FileStamp&) const = default;
};

// Stats `path`: lstat first, and when it is a symbolic link, stat of what it points to (so the
// stamp follows the file whose bytes are read). Errors: NotFound if the path (or the link target)
// does not exist, InvalidArgument if it is not a regular file, other errno errors naming the path.
absl::StatusOr<FileStamp> StatFile(const std::string& path);

}  // namespace leancache::index
