#include "daemon/sources/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

extern char** environ;

namespace leancache::sources {

namespace {

constexpr size_t kCaptureCap = 1 << 20;

// posix_spawn file actions / attributes with RAII destruction.
struct SpawnActions {
  posix_spawn_file_actions_t a;
  SpawnActions() { posix_spawn_file_actions_init(&a); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a); }
};

// Reaps `pid`, retrying on EINTR; returns the shell-style exit code.
int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "GIT_TERMINAL_PROMPT=", 20) == 0) continue;
    env.emplace_back(*e);
  }
  env.emplace_back("GIT_TERMINAL_PROMPT=0");
  return env;
}

}  // namespace

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const std::filesystem::path& cwd,
                                         std::chrono::milliseconds timeout) {
  if (argv.empty()) return absl::InvalidArgumentError("RunCommand: empty argv");
  std::error_code ec;
  if (!std::filesystem::is_directory(cwd, ec)) {
    return absl::NotFoundError(
        absl::StrCat("cannot run ", argv[0], ": directory ", cwd.string(), " does not exist"));
  }

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return fs::ErrnoError(errno, "pipe for " + argv[0]);
  fs::Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return fs::ErrnoError(errno, "pipe for " + argv[0]);
  fs::Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  SpawnActions actions;
  posix_spawn_file_actions_addopen(&actions.a, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions.a, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions.a, err_w.get(), 2);
  posix_spawn_file_actions_addchdir_np(&actions.a, cwd.c_str());

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = ChildEnvironment();
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions.a, nullptr, args.data(), envp.data());
  if (rc != 0) {
    if (rc == ENOENT) return absl::NotFoundError(absl::StrCat(argv[0], ": command not found"));
    return absl::InternalError(absl::StrCat("cannot run ", argv[0], ": ", std::strerror(rc)));
  }
  out_w.Reset();
  err_w.Reset();

  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true, timed_out = false;
  char buf[8192];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2];
    int n = 0;
    if (out_open) fds[n++] = {out_r.get(), POLLIN, 0};
    if (err_open) fds[n++] = {err_r.get(), POLLIN, 0};
    int ready = poll(fds, n, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      bool is_out = fds[i].fd == out_r.get();
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        (is_out ? out_open : err_open) = false;
        continue;
      }
      std::string& dst = is_out ? result.out : result.err;
      size_t room = dst.size() < kCaptureCap ? kCaptureCap - dst.size() : 0;
      dst.append(buf, std::min(room, static_cast<size_t>(got)));
    }
  }
  // Both pipes closed: the child has (almost always) exited. Still honour the deadline in case it
  // closed its output and kept running.
  while (!timed_out) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
      return result;
    }
    if (r < 0 && errno != EINTR) return result;
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    usleep(1000);
  }
  // Only a timeout gets here.
  kill(pid, SIGKILL);
  Reap(pid);
  return absl::DeadlineExceededError(absl::StrCat(argv[0], " did not finish within ",
                                                  timeout.count(), " ms in ", cwd.string()));
}

}  // namespace leancache::sources
