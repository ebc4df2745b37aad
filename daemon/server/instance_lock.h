#pragma once
// One daemon per socket. gRPC silently unlinks and re-binds an existing socket path, so a
// second daemon would steal the first one's clients; an flock on "<socket>.lock" prevents that.

#include <string>

#include "absl/status/statusor.h"

namespace leancache::server {

// Holds an exclusive flock on the instance lock file for as long as it lives. The file records
// the holder's pid for the error message a second daemon prints.
class InstanceLock {
 public:
  // Takes the lock without blocking. Fails with FailedPrecondition naming the socket and the
  // running daemon's pid when another process holds it; other errors name the lock path.
  static absl::StatusOr<InstanceLock> Acquire(const std::string& lock_path,
                                              const std::string& socket_path);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace leancache::server
