#pragma once
// Test helpers: start a real loopback peer (Azurite, the SigV4 S3 server, nginx) from one of the
// tests/integration/lib/*.sh libraries by fork/exec, wait for its port, and kill it on
// destruction. Also small file helpers shared by the upload tests.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::upload::testing {


// A running peer process; SIGTERM + waitpid on destruction.
class Peer {
 public:
  // Runs `bash -c "source tests/integration/lib/{lib}; {function} {args...}"` with `env` added
  // to the environment, where an argument "{PORT}" is replaced by a free port, and waits up to
  // `timeout_s` for that port to accept connections.
  // Errors: Unavailable if the process exits (its exit code 77 = "skip": message says so) or the
  // port never opens.
  static absl::StatusOr<std::unique_ptr<Peer>> Start(const std::string& lib,
                                                     const std::string& function,
                                                     const std::vector<std::string>& args,
                                                     const std::map<std::string, std::string>& env,
                                                     double timeout_s);
  ~Peer();
  int port() const { return port_; }
  double startup_seconds() const { return startup_seconds_; }

 private:
  Peer() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  double startup_seconds_ = 0;
};

// Runs `bash -c "source tests/integration/lib/{lib}; {snippet}"` and returns its stdout without
// the trailing newline. Errors: Internal on a nonzero exit.
absl::StatusOr<std::string> RunLib(const std::string& lib, const std::string& snippet);

// A fresh temporary directory, removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::filesystem::path& path, const std::string& content);
std::string ReadFile(const std::filesystem::path& path);

// Whether Azurite can be used: already installed in the test npm cache or npm on PATH.
bool AzuriteAvailable();

}  // namespace leancache::upload::testing
