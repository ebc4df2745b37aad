// Copying one file's bytes into another without passing them through user space where the
// file system allows it: a reflink (ioctl FICLONE: the two files share extents copy-on-write, so
// a later write to either leaves the other unchanged), else copy_file_range (an in-kernel copy),
// else a plain read/write loop.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::fs {

enum class CloneMethod { kReflink, kKernelCopy, kReadWrite };

// "reflink", "copy_file_range", "read/write".
std::string_view CloneMethodName(CloneMethod method);

struct CloneOptions {
  // Try FICLONE first. Off: always copy (tests, or a store that must not share extents).
  bool allow_reflink = true;
};

// Fills the empty regular file `dst_fd` (opened for writing, offset 0) with all bytes of
// `src_fd` (opened for reading, offset 0). FICLONE fails with EOPNOTSUPP/EINVAL (tmpfs, ext4),
// EXDEV (two file systems) or ETXTBSY...: any refusal falls back to copying, the others to
// read/write. Returns the method that did the work. Errors: read/write failures (e.g. ENOSPC),
// naming `what`; `dst_fd` then holds a partial copy the caller must discard.
absl::StatusOr<CloneMethod> CloneFileContents(int src_fd, int dst_fd, std::string_view what,
                                              const CloneOptions& options);
inline absl::StatusOr<CloneMethod> CloneFileContents(int src_fd, int dst_fd, std::string_view what) {
  return CloneFileContents(src_fd, dst_fd, what, CloneOptions());
}

}  // namespace leancache::fs
