// AtomicFile: write a file under a temporary name in its target directory, then rename it
// into place on Commit(). If it is never committed, the temporary file is unlinked on
// destruction, so a failed operation leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/fs/fd.h"

namespace leancache::fs {

class AtomicFile {
 public:
  struct Options {
    // Permission bits for the created file (the process umask applies, as with open(2)).
    mode_t mode = 0666;
    // fsync the data before the rename in Commit().
    bool fsync = true;
  };

  // Creates "<dir of target>/.lctmp.<pid>.XXXXXX" (O_EXCL; temp_sweep.h removes those of dead
  // processes). The directory must already exist.
  // Errors: I/O errors naming the target path.
  static absl::StatusOr<AtomicFile> Create(const std::string& target_path, Options options);
  static absl::StatusOr<AtomicFile> Create(const std::string& target_path) {
    return Create(target_path, Options());
  }

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends bytes to the temporary file.
  absl::Status Write(std::string_view data);
  // Flushes (fsync if enabled), closes and renames the temporary file over the target.
  // After success the object no longer owns anything. Calling twice is an error.
  absl::Status Commit();
  // Removes the temporary file now (also done by the destructor if not committed).
  void Abandon();

  const std::string& target_path() const { return target_; }
  // The temporary file's descriptor until Commit/Abandon (e.g. to fill it with FICLONE).
  int fd() const { return fd_.get(); }
  const std::string& temp_path() const { return temp_; }

 private:
  AtomicFile(Fd fd, std::string target, std::string temp, Options options)
      : fd_(std::move(fd)), target_(std::move(target)), temp_(std::move(temp)), options_(options) {}

  Fd fd_;
  std::string target_;
  std::string temp_;  // empty once committed or abandoned
  Options options_;
};

}  // namespace leancache::fs
