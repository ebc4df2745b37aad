#include "daemon/lakesvc/body_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace leancache::lakesvc {

absl::StatusOr<BodySink> BodySink::Open(const std::filesystem::path& path, uint64_t max_bytes) {
  fs::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return fs::ErrnoError(errno, path.string());
  return BodySink(std::move(fd), path, max_bytes);
}

absl::Status BodySink::Append(std::string_view data) {
  if (size_ + data.size() > max_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat("the body exceeds the limit of ", max_bytes_, " bytes"));
  }
  if (auto st = fs::WriteAll(fd_.get(), data, path_.string()); !st.ok()) return st;
  sha_.Update(data);
  size_ += data.size();
  return absl::OkStatus();
}

absl::StatusOr<std::string> BodySink::Finish() {
  int fd = fd_.Release();
  if (::close(fd) != 0) return fs::ErrnoError(errno, path_.string());
  return sha_.FinishHex();
}

}  // namespace leancache::lakesvc
