#include "client/connect/daemon_connection.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "leancache/v1/endpoint.h"

extern char** environ;

namespace leancache::connect {
namespace {

constexpr auto kProbeDeadline = std::chrono::seconds(3);
constexpr auto kSpawnLockWait = std::chrono::seconds(60);

// The leancached next to this executable (build tree or install prefix), else from PATH.
std::string DefaultDaemonBinary() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate : {self.parent_path() / "leancached",
                           self.parent_path().parent_path() / "daemon" / "leancached"}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "leancached";
}

// Creates the socket's directory with mode 0700 if missing, so the spawn lock has a home.
void EnsurePrivateDir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return;
  EnsurePrivateDir(dir.parent_path());
  ::mkdir(dir.c_str(), 0700);
}

// Holds an flock for its lifetime; waits up to kSpawnLockWait for it.
class SpawnLock {
 public:
  explicit SpawnLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return;
    auto deadline = std::chrono::steady_clock::now() + kSpawnLockWait;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() > deadline) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~SpawnLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Runs `leancached --socket PATH`; it daemonizes and exits 0 once the socket is ready.
bool StartDaemon(const std::string& binary, const std::string& socket_path, std::string* error) {
  std::vector<std::string> args = {binary, "--socket", socket_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    *error = "cannot start " + binary + ": " + std::strerror(rc);
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = "leancached failed to start (see its message above)";
    return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<grpc::Channel> ProbeDaemon(const std::string& socket_path) {
  struct stat st {};
  if (::stat(socket_path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return nullptr;
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  auto channel = grpc::CreateCustomChannel(api::GrpcTarget(socket_path),
                                           grpc::InsecureChannelCredentials(), args);
  // The connection the command will use, and no extra RPC: ready once the daemon accepted it
  // and answered the HTTP/2 handshake; a failure (nothing listens: a stale socket) ends the
  // probe at once rather than retrying until the deadline.
  const auto deadline = std::chrono::system_clock::now() + kProbeDeadline;
  grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return nullptr;
    if (!channel->WaitForStateChange(state, deadline)) return nullptr;
    state = channel->GetState(/*try_to_connect=*/true);
  }
  return channel;
}

std::shared_ptr<grpc::Channel> ConnectToDaemon(const ConnectOptions& options, std::string* error) {
  if (auto channel = ProbeDaemon(options.socket_path)) return channel;
  // Another user's socket: say so, instead of "not running" or a spawn-lock error.
  if (::access(options.socket_path.c_str(), W_OK) != 0 && errno == EACCES) {
    *error = "permission denied: cannot connect to " + options.socket_path +
             " (it belongs to another user; every user runs their own leancached — unset "
             "LEANCACHE_SOCKET to use yours)";
    return nullptr;
  }
  if (!options.autostart) {
    *error = "leancached is not running on " + options.socket_path +
             " (autostart is disabled by LEANCACHE_NO_AUTOSTART=1; start it with `leancached`)";
    return nullptr;
  }
  EnsurePrivateDir(std::filesystem::path(options.socket_path).parent_path());
  SpawnLock lock(api::SpawnLockPath(options.socket_path));
  if (!lock.held()) {
    *error = "cannot take the spawn lock " + api::SpawnLockPath(options.socket_path);
    return nullptr;
  }
  // Someone may have started it while we waited for the lock.
  if (auto channel = ProbeDaemon(options.socket_path)) return channel;
  std::string binary = options.daemon_binary.empty() ? DefaultDaemonBinary() : options.daemon_binary;
  if (!StartDaemon(binary, options.socket_path, error)) return nullptr;
  if (auto channel = ProbeDaemon(options.socket_path)) return channel;
  *error = "leancached started but does not answer on " + options.socket_path;
  return nullptr;
}

ConnectOptions ConnectOptionsFromEnv() {
  ConnectOptions options;
  options.socket_path = api::ResolveSocketPathFromEnvironment();
  const char* no_autostart = std::getenv("LEANCACHE_NO_AUTOSTART");
  options.autostart = !(no_autostart != nullptr && std::string(no_autostart) == "1");
  if (const char* bin = std::getenv("LEANCACHE_DAEMON_BINARY")) options.daemon_binary = bin;
  return options;
}

}  // namespace leancache::connect
