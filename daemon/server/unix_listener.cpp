#include "daemon/server/unix_listener.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace leancache::server {
namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::Status PrepareDirectory(const std::filesystem::path& dir, mode_t mode) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (!dir.parent_path().empty() && dir.parent_path() != dir) {
      if (auto st = PrepareDirectory(dir.parent_path(), mode); !st.ok()) return st;
    }
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
      return Errno(absl::StrCat("cannot create socket directory ", dir.string()));
    }
    ::chmod(dir.c_str(), mode);  // whatever the umask
    return absl::OkStatus();
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return Errno(absl::StrCat("cannot stat ", dir.string()));
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir.string(), " is not a directory"));
  }
  bool shared_sticky = (st.st_mode & S_ISVTX) != 0;
  if (st.st_uid == ::getuid() && !shared_sticky && (st.st_mode & 0777) != mode) {
    if (::chmod(dir.c_str(), mode) != 0) {
      return Errno(absl::StrCat("cannot set the mode of socket directory ", dir.string()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PrepareSocketDirectory(const std::string& socket_path, SocketAccess access) {
  return PrepareDirectory(std::filesystem::path(socket_path).parent_path(),
                          access == SocketAccess::kAllUsers ? 0755 : 0700);
}

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Bind(const std::string& socket_path,
                                                                 SocketAccess access) {
  const mode_t socket_mode = access == SocketAccess::kAllUsers ? 0666 : 0600;
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket path too long (", socket_path.size(), " bytes): ", socket_path));
  }
  if (auto st = PrepareSocketDirectory(socket_path, access); !st.ok()) return st;

  struct stat existing {};
  if (::lstat(socket_path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(socket_path, " exists and is not a socket; refusing to replace it"));
    }
    ::unlink(socket_path.c_str());  // stale: we hold the instance lock
  }

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket(AF_UNIX)");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  mode_t old_mask = ::umask(0777 & ~socket_mode);  // no threads yet: born with its final mode
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (rc != 0) {
    auto st = Errno(absl::StrCat("cannot bind ", socket_path));
    ::close(fd);
    return st;
  }
  ::chmod(socket_path.c_str(), socket_mode);
  if (::listen(fd, 128) != 0) {
    auto st = Errno(absl::StrCat("cannot listen on ", socket_path));
    ::close(fd);
    ::unlink(socket_path.c_str());
    return st;
  }
  return std::unique_ptr<UnixListener>(new UnixListener(fd, socket_path, true));
}

std::unique_ptr<UnixListener> UnixListener::Adopt(int listen_fd, const std::string& socket_path) {
  return std::unique_ptr<UnixListener>(new UnixListener(listen_fd, socket_path, false));
}

UnixListener::UnixListener(int fd, std::string path, bool owns_path)
    : fd_(fd), wake_fd_(::eventfd(0, EFD_CLOEXEC)), path_(std::move(path)), owns_path_(owns_path) {}

UnixListener::~UnixListener() { Stop(); }

void UnixListener::Start(grpc::Server* server, core::PeerRegistry* peers,
                         std::function<void()> on_connect) {
  thread_ = std::thread([this, server, peers, on_connect = std::move(on_connect)] {
    AcceptLoop(server, peers, on_connect);
  });
}

void UnixListener::AcceptLoop(grpc::Server* server, core::PeerRegistry* peers,
                              std::function<void()> on_connect) {
  while (!stopping_.load()) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::error("poll on listening socket failed: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0 || stopping_.load()) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) {
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
        spdlog::warn("accept failed: {}", std::strerror(errno));
      }
      continue;
    }
    ucred cred{};
    socklen_t len = sizeof cred;
    core::PeerCredentials creds;
    if (::getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      creds = {cred.pid, cred.uid, cred.gid};
    }
    peers->Record(conn, creds);
    ::fcntl(conn, F_SETFL, ::fcntl(conn, F_GETFL) | O_NONBLOCK);
    spdlog::debug("connection fd={} pid={} uid={}", conn, creds.pid, creds.uid);
    if (on_connect) on_connect();
    grpc::AddInsecureChannelFromFd(server, conn);
  }
}

void UnixListener::Stop() {
  if (!stopping_.exchange(true)) {
    uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof one) < 0) {
      // The loop also checks stopping_ after every wake-up.
    }
  }
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    if (owns_path_) ::unlink(path_.c_str());
  }
  if (wake_fd_ >= 0) {
    ::close(wake_fd_);
    wake_fd_ = -1;
  }
}

}  // namespace leancache::server
