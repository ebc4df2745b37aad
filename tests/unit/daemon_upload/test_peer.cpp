#include "tests/unit/daemon_upload/test_peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/loopback.h"

#include "absl/strings/str_cat.h"

extern char** environ;

namespace leancache::upload::testing {
namespace {

std::string LibPath(const std::string& lib) {
  return absl::StrCat(LEANCACHE_SOURCE_DIR, "/tests/integration/lib/", lib);
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

absl::StatusOr<std::unique_ptr<Peer>> Peer::Start(const std::string& lib,
                                                  const std::string& function,
                                                  const std::vector<std::string>& args,
                                                  const std::map<std::string, std::string>& env,
                                                  double timeout_s) {
  std::unique_ptr<Peer> peer(new Peer());
  peer->port_ = ::leancache::testing::FreeLoopbackPort();
  std::string script = absl::StrCat("source ", Quote(LibPath(lib)), " && ", function);
  for (const auto& a : args) {
    absl::StrAppend(&script, " ", a == "{PORT}" ? absl::StrCat(peer->port_) : Quote(a));
  }
  // Build argv/envp before fork: the child only calls async-signal-safe functions.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(absl::StrCat(k, "=", v));
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  char arg0[] = "bash";
  char arg1[] = "-c";
  char* argv[] = {arg0, arg1, script.data(), nullptr};
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
    }
    ::execve("/bin/bash", argv, envp.data());
    ::_exit(127);
  }
  peer->pid_ = pid;
  auto deadline = start + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      peer->pid_ = -1;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return absl::UnavailableError(absl::StrCat(
          function, " exited with status ", code, code == 77 ? " (skip: peer unavailable)" : ""));
    }
    if (::leancache::testing::LoopbackPortOpen(peer->port_)) {
      peer->startup_seconds_ =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return peer;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  return absl::UnavailableError(absl::StrCat(function, " did not open port ", peer->port_,
                                             " within ", timeout_s, " s"));
}

Peer::~Peer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

absl::StatusOr<std::string> RunLib(const std::string& lib, const std::string& snippet) {
  std::string cmd = absl::StrCat("/bin/bash -c ",
                                 Quote(absl::StrCat("source ", Quote(LibPath(lib)), " && ", snippet)));
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return absl::InternalError("popen failed");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = ::pclose(f);
  if (rc != 0) return absl::InternalError(absl::StrCat("`", snippet, "` failed (", rc, ")"));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          absl::StrCat("leancache-upload-test-", ::getpid(), "-", rd());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool AzuriteAvailable() {
  auto out = RunLib("azurite.sh",
                    "[[ -x \"$AZURITE_HOME/node_modules/.bin/azurite-blob\" ]] || "
                    "command -v npm >/dev/null && echo yes");
  return out.ok() && *out == "yes";
}

}  // namespace leancache::upload::testing
