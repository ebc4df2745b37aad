#include "common/fs/clone_file.h"

#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::fs {
namespace {

// copy_file_range is refused by old kernels, across some file systems, and on special files.
bool KernelCopyRefused(int err) {
  return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP || err == EBADF;
}

absl::Status ReadWriteCopy(int src_fd, int dst_fd, std::string_view what) {
  if (::lseek(src_fd, 0, SEEK_SET) != 0 || ::lseek(dst_fd, 0, SEEK_SET) != 0 ||
      ::ftruncate(dst_fd, 0) != 0) {
    return ErrnoError(errno, absl::StrCat("rewind for copy of ", std::string(what)));
  }
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t n = ::read(src_fd, buffer.data(), buffer.size());
    if (n == 0) return absl::OkStatus();
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, absl::StrCat("read for copy of ", std::string(what)));
    }
    if (auto st = WriteAll(dst_fd, std::string_view(buffer.data(), static_cast<size_t>(n)), what); !st.ok()) {
      return st;
    }
  }
}

}  // namespace

std::string_view CloneMethodName(CloneMethod method) {
  switch (method) {
    case CloneMethod::kReflink: return "reflink";
    case CloneMethod::kKernelCopy: return "copy_file_range";
    case CloneMethod::kReadWrite: return "read/write";
  }
  return "?";
}

absl::StatusOr<CloneMethod> CloneFileContents(int src_fd, int dst_fd, std::string_view what,
                                              const CloneOptions& options) {
  if (options.allow_reflink && ::ioctl(dst_fd, FICLONE, src_fd) == 0) return CloneMethod::kReflink;
  bool copied_any = false;
  while (true) {
    ssize_t n = ::copy_file_range(src_fd, nullptr, dst_fd, nullptr, size_t{1} << 30, 0);
    if (n == 0) return CloneMethod::kKernelCopy;
    if (n > 0) {
      copied_any = true;
      continue;
    }
    if (errno == EINTR) continue;
    if (!copied_any && KernelCopyRefused(errno)) break;
    return ErrnoError(errno, absl::StrCat("copy ", std::string(what)));
  }
  if (auto st = ReadWriteCopy(src_fd, dst_fd, what); !st.ok()) return st;
  return CloneMethod::kReadWrite;
}

}  // namespace leancache::fs
