#include "daemon/index/file_stamp.h"

#include <errno.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::index {

absl::StatusOr<FileStamp> StatFile(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return fs::ErrnoError(errno, absl::StrCat("lstat ", path));
  if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0) {
    return fs::ErrnoError(errno, absl::StrCat("stat ", path));
  }
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file"));
  FileStamp stamp;
  stamp.dev = static_cast<uint64_t>(st.st_dev);
  stamp.inode = static_cast<uint64_t>(st.st_ino);
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return stamp;
}

}  // namespace leancache::index
