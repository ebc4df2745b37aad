#pragma once
// A request body streamed into a temp file as it arrives (libmicrohttpd hands it over in
// pieces, de-chunked, after answering `Expect: 100-continue`), with its SHA-256 and size.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/fs/fd.h"
#include "common/sigv4/digest.h"

namespace leancache::lakesvc {

class BodySink {
 public:
  // Opens `path` for writing (created 0600 or truncated). Bodies above `max_bytes` are refused.
  static absl::StatusOr<BodySink> Open(const std::filesystem::path& path, uint64_t max_bytes);

  // Appends `data`. Errors: ResourceExhausted beyond max_bytes, I/O errors naming the file.
  absl::Status Append(std::string_view data);

  // Closes the file and returns the lowercase hex SHA-256 of everything appended. Call once.
  absl::StatusOr<std::string> Finish();

  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  BodySink(fs::Fd fd, std::filesystem::path path, uint64_t max_bytes)
      : fd_(std::move(fd)), path_(std::move(path)), max_bytes_(max_bytes) {}
  fs::Fd fd_;
  std::filesystem::path path_;
  uint64_t max_bytes_;
  uint64_t size_ = 0;
  sigv4::Sha256Stream sha_;
};

}  // namespace leancache::lakesvc
