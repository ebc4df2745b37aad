// leancached: the leancache daemon. See README.md for the architecture.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "common/workspace/cache_dir.h"
#include "daemon/lakesvc/service_host.h"
#include "daemon/server/daemon.h"
#include "daemon/multiuser/shared_cache.h"
#include "daemon/sources/config.h"
#include "leancache/v1/endpoint.h"
#include "spdlog/sinks/rotating_file_sink.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace {

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

std::filesystem::path DefaultStateDir(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) {
    auto it = env.find(k);
    return it == env.end() ? std::string() : it->second;
  };
  if (std::string xdg = get("XDG_STATE_HOME"); !xdg.empty()) return std::filesystem::path(xdg) / "leancache";
  if (std::string home = get("HOME"); !home.empty()) return std::filesystem::path(home) / ".local/state/leancache";
  return std::filesystem::path("/tmp") / ("leancache-state-" + std::to_string(getuid()));
}

// The variable's value, or `fallback` when it is unset or empty (systemd's $STATE_DIRECTORY
// may list several directories separated by ':'; the first one is ours).
std::string EnvOr(const std::map<std::string, std::string>& env, const char* name, const std::string& fallback) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return fallback;
  return it->second.substr(0, it->second.find(':'));
}

// Parses "90", "90s", "30m", "2h" into seconds; false on anything else.
bool ParseDuration(const std::string& text, long* seconds) {
  if (text.empty()) return false;
  long unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's': unit = 1; digits.pop_back(); break;
    case 'm': unit = 60; digits.pop_back(); break;
    case 'h': unit = 3600; digits.pop_back(); break;
    default: break;
  }
  long value = 0;
  if (!absl::SimpleAtoi(digits, &value) || value < 0) return false;
  *seconds = value * unit;
  return true;
}

// Forks into the background. The parent waits until the child reports readiness (exit 0) or a
// startup error (printed, exit 1), so `leancached && leancache ...` is race-free. The child's
// stderr is appended to `stderr_path` (the log file), so whatever the runtime itself prints
// there (std::terminate, sanitizer reports) is kept next to the log; /dev/null if it cannot
// be opened.
int Daemonize(int* ready_fd, const std::string& stderr_path) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    std::perror("leancached: pipe");
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("leancached: fork");
    return 1;
  }
  if (pid > 0) {
    close(fds[1]);
    std::string message;
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) message.append(buf, n);
    if (message == "ok") return 0;
    std::cerr << "leancached: " << (message.empty() ? "daemon exited during startup" : message) << "\n";
    return 1;
  }
  close(fds[0]);
  setsid();
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    int err = open(stderr_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    dup2(err >= 0 ? err : devnull, STDERR_FILENO);
    if (err > STDERR_FILENO) close(err);
    if (devnull > STDERR_FILENO) close(devnull);
  }
  *ready_fd = fds[1];
  return -1;  // continue as the daemon
}

void Report(int fd, const std::string& message) {
  if (fd < 0) return;
  if (write(fd, message.data(), message.size()) < 0) {
    // The parent is gone; nothing else to tell.
  }
  close(fd);
}

// The daemon's logger: `log_file` (rotated at 8 MiB, 3 kept), or stderr when it is empty.
// Returns an error message, or "" on success.
std::string SetUpLogging(const std::string& log_file, const std::string& log_level) {
  try {
    std::shared_ptr<spdlog::logger> logger;
    if (log_file.empty()) {
      logger = spdlog::stderr_color_mt("leancached");
    } else {
      logger = spdlog::rotating_logger_mt("leancached", log_file, 8 << 20, 3);
    }
    logger->set_level(spdlog::level::from_str(log_level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    // Debug lines are written within a second too, so a log read while the daemon runs is current.
    spdlog::flush_every(std::chrono::seconds(1));
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("cannot open log ") + log_file + ": " + e.what();
  }
  return "";
}

// Creates the state directory and makes it private (mode 0700). A directory we may not chmod
// (another owner, a read-only mount) is fine when group and others have no access already.
// Returns an error message, or "" on success.
std::string PrepareStateDir(const std::string& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return "cannot create state directory " + state_dir + ": " + ec.message();
  if (chmod(state_dir.c_str(), 0700) == 0) return "";
  const int err = errno;
  struct stat st;
  if (stat(state_dir.c_str(), &st) == 0 && (st.st_mode & 077) == 0) return "";
  return "state directory " + state_dir + " is open to other users and cannot be made private: " + std::strerror(err);
}

}  // namespace

int main(int argc, char** argv) {
  auto env = ProcessEnvironment();
  CLI::App app{"leancached: the leancache daemon (Mathlib build-artifact cache)", "leancached"};
  std::string socket_path = leancache::api::ResolveSocketPath(env, getuid());
  std::string state_dir = DefaultStateDir(env).string();
  std::string idle = "30m";
  std::string log_level = "info";
  std::string log_file;
  bool foreground = false;
  int stall_timeout = 30, connect_timeout = 10, max_attempts = 5;
  app.add_option("--socket", socket_path, "Unix socket to listen on")->capture_default_str();
  app.add_option("--state-dir", state_dir, "Directory of the LMDB index")->capture_default_str();
  app.add_option("--idle-timeout", idle, "Exit after this long unused (e.g. 90s, 30m, 2h; 0 = never)")
      ->capture_default_str();
  app.add_option("--stall-timeout", stall_timeout, "Seconds a transfer may stay below 1 KiB/s before it fails")
      ->check(CLI::Range(1, 3600))->capture_default_str();
  app.add_option("--connect-timeout", connect_timeout, "Seconds to establish a connection")
      ->check(CLI::Range(1, 600))->capture_default_str();
  app.add_option("--max-attempts", max_attempts, "Attempts per transfer (retries on 5xx, resets, stalls)")
      ->check(CLI::Range(1, 20))->capture_default_str();
  app.add_flag("--foreground", foreground, "Stay in the foreground and log to stderr");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--log-file", log_file, "Log file (default: stderr in the foreground, else <state-dir>/leancached.log)");
  // The shared multi-user cache (daemon/multiuser/README.md).
  bool system_mode = false;
  std::string store_dir, trust_config = leancache::multiuser::kDefaultTrustConfig;
  std::string shared_socket = EnvOr(env, "LEANCACHE_SHARED_SOCKET", leancache::multiuser::kDefaultSystemSocket);
  app.add_flag("--system", system_mode,
               "Run as the shared system daemon of a multi-user server (socket " +
                   std::string(leancache::multiuser::kDefaultSystemSocket) + ", blob RPCs only)");
  app.add_option("--store-dir", store_dir, "--system: blob store (default $CACHE_DIRECTORY, else " +
                                               std::string(leancache::multiuser::kDefaultStoreDir) + ")");
  app.add_option("--trust-config", trust_config, "--system: readers, trusted writers, quarantine quota")
      ->capture_default_str();
  app.add_option("--shared-socket", shared_socket,
                 "Per-user mode: the system daemon to use before HTTP sources ('off' = none; "
                 "default $LEANCACHE_SHARED_SOCKET)")
      ->capture_default_str();
  // The loopback cache service for Lake (daemon/lakesvc; README "Loopback cache service for Lake").
  std::string lake_http, lake_service_dir;
  app.add_option("--lake-http", lake_http,
                 "Serve Lake's S3-style cache service on 127.0.0.1:PORT (also config.json lake_service.listen, "
                 "or the systemd socket leancached-lake.socket)");
  app.add_option("--lake-service-dir", lake_service_dir,
                 "Store of the Lake service (default $XDG_CACHE_HOME/leancache/lake-service; --system: "
                 "<store-dir>/lake-service)");
  app.set_version_flag("--version", std::string("leancached ") + LEANCACHE_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (system_mode) {
    if (app.count("--socket") == 0) socket_path = leancache::multiuser::kDefaultSystemSocket;
    if (app.count("--state-dir") == 0) state_dir = EnvOr(env, "STATE_DIRECTORY", leancache::multiuser::kDefaultStateDir);
    if (app.count("--idle-timeout") == 0) idle = "0";
    if (store_dir.empty()) store_dir = EnvOr(env, "CACHE_DIRECTORY", leancache::multiuser::kDefaultStoreDir);
  }
  long idle_seconds = 0;
  if (!ParseDuration(idle, &idle_seconds)) {
    std::cerr << "leancached: invalid --idle-timeout '" << idle << "' (use e.g. 90s, 30m, 2h or 0)\n";
    return 2;
  }
  if (!std::filesystem::path(socket_path).is_absolute()) {
    socket_path = std::filesystem::absolute(socket_path).string();
  }
  if (std::string error = PrepareStateDir(state_dir); !error.empty()) {
    std::cerr << "leancached: " << error << "\n";
    return 1;
  }

  int ready_fd = -1;
  if (!foreground) {
    if (log_file.empty()) log_file = (std::filesystem::path(state_dir) / "leancached.log").string();
    int rc = Daemonize(&ready_fd, log_file);
    if (rc >= 0) return rc;
  }
  if (std::string error = SetUpLogging(log_file, log_level); !error.empty()) {
    if (ready_fd >= 0) Report(ready_fd, error); else std::cerr << "leancached: " << error << "\n";
    return 1;
  }

  leancache::server::BlockShutdownSignals();
  leancache::server::DaemonOptions options;
  options.socket_path = socket_path;
  options.state_dir = state_dir;
  options.default_cache_dir = leancache::workspace::ResolveCacheDir(env);
  options.idle_timeout = std::chrono::seconds(idle_seconds);
  options.stall_timeout = std::chrono::seconds(stall_timeout);
  options.connect_timeout = std::chrono::seconds(connect_timeout);
  options.max_attempts = max_attempts;
  options.shared.system = system_mode;
  options.shared.store_dir = store_dir;
  options.shared.trust_config = trust_config;
  if (!system_mode && shared_socket != "off" && shared_socket != socket_path) options.shared.upstream_socket = shared_socket;
  if (auto config = leancache::sources::ConfigFilePath(env); config.ok()) options.config_path = *config;
  options.lake_http = lake_http;
  options.lake_service_dir = !lake_service_dir.empty() ? std::filesystem::path(lake_service_dir)
                             : system_mode           ? std::filesystem::path(store_dir) / "lake-service"
                                                     : leancache::lakesvc::DefaultServiceDir(env);
  absl::Status status = leancache::server::RunDaemon(options, [&ready_fd] {
    Report(ready_fd, "ok");
    ready_fd = -1;
  });
  int rc = 0;
  if (!status.ok()) {
    std::string msg(status.message());
    spdlog::error("{}", msg);
    if (ready_fd >= 0) Report(ready_fd, msg); else if (foreground && !log_file.empty()) std::cerr << "leancached: " << msg << "\n";
    rc = 1;
  }
  // Everything of ours is closed and flushed by now. gRPC's global teardown in static
  // destructors takes over a second; skip it so `daemon stop` and service restarts are prompt.
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(rc);
}
