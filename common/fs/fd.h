// RAII file descriptor and whole-file read/write helpers.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leancache::fs {

// Owns one POSIX file descriptor; closes it on destruction. Movable, not copyable.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the descriptor (if any).
  void Reset();

 private:
  int fd_ = -1;
};

// Reads the whole file at `path`. Errors: NotFound ("<path> not found") if it does not exist,
// ResourceExhausted if it is larger than `max_bytes`, other I/O errors naming the path.
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     uint64_t max_bytes = UINT64_MAX);

// Writes all of `data` to `fd` (retrying on EINTR / short writes). `what` names the file in errors.
absl::Status WriteAll(int fd, std::string_view data, std::string_view what);

// Reads all remaining bytes of `fd` (e.g. stdin) into a string.
absl::StatusOr<std::string> ReadAll(int fd, std::string_view what);

// Flushes the directory entry changes of `dir` (after a rename into it) to disk. Errors name the
// directory ("open <dir>" or "fsync <dir>").
absl::Status FsyncDir(const std::string& dir);

// Returns an absl error for the current errno: "<what>: <strerror>" with a matching code.
absl::Status ErrnoError(int err, std::string_view what);

}  // namespace leancache::fs
