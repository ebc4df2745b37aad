#include "daemon/server/passed_sockets.h"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace leancache::server {

absl::StatusOr<PassedSockets> TakePassedSockets() {
  char** names = nullptr;
  int n = sd_listen_fds_with_names(/*unset_environment=*/1, &names);
  PassedSockets out;
  absl::Status status;
  for (int i = 0; i < n; ++i) {
    const int fd = SD_LISTEN_FDS_START + i;
    const std::string name = names != nullptr && names[i] != nullptr ? names[i] : "";
    int* slot = nullptr;
    if (name == "lake-http" && sd_is_socket_inet(fd, AF_INET, SOCK_STREAM, 1, 0) > 0) {
      slot = &out.lake_fd;
    } else if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0) {
      slot = &out.unix_fd;
    }
    if (status.ok() && (slot == nullptr || *slot >= 0)) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "systemd passed an unexpected socket (", name.empty() ? "unnamed" : name,
          "): leancached takes one listening Unix stream socket and one IPv4 socket named lake-http"));
    }
    if (slot != nullptr && *slot < 0) *slot = fd;
  }
  if (names != nullptr) {
    for (int i = 0; i < n; ++i) std::free(names[i]);
    std::free(names);
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace leancache::server
