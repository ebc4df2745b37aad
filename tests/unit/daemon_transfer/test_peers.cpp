#include "tests/unit/daemon_transfer/test_peers.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/loopback.h"

namespace leancache::transfer::testing {
namespace fs = std::filesystem;
namespace {

std::string SourceDir() {
  const char* env = std::getenv("LEANCACHE_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? env : LEANCACHE_SOURCE_DIR;
}

// Kills `pid` (TERM, then KILL after 3 s) and reaps it.
void StopChild(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

bool ChildExited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Blocking admin request; returns the HTTP status (0 on transport error).
long Admin(const std::string& method, const std::string& url, const std::string& body,
           std::string* response) {
  CURL* e = curl_easy_init();
  if (e == nullptr) return 0;
  std::string sink;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
  if (method != "GET") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, response != nullptr ? response : &sink);
  long status = 0;
  if (curl_easy_perform(e) == CURLE_OK) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  return status;
}

}  // namespace

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/leancache-transfer-XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

// ---- FaultServer ----------------------------------------------------------------------------

std::unique_ptr<FaultServer> FaultServer::Start(const std::string& root,
                                                const std::string& workdir, std::string* error) {
  std::string script = SourceDir() + "/tests/tools/faultserver/faultserver.py";
  std::string port_file = workdir + "/faultserver.port";
  std::error_code ec;
  fs::create_directories(workdir, ec);
  fs::create_directories(root, ec);
  fs::remove(port_file, ec);
  pid_t pid = ::fork();
  if (pid < 0) {
    *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    std::string log = workdir + "/faultserver.log";
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    FILE* g = std::freopen("/dev/null", "w", stdout);
    (void)f;
    (void)g;
    ::execl("/usr/bin/python3", "python3", script.c_str(), "--root", root.c_str(),
            "--port-file", port_file.c_str(), "--max-seconds", "120", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto server = std::unique_ptr<FaultServer>(new FaultServer());
  server->pid_ = pid;
  for (int i = 0; i < 500; ++i) {
    std::string text = ReadFile(port_file);
    if (text != "<missing>" && !text.empty()) {
      server->port_ = std::atoi(text.c_str());
      if (server->port_ > 0) return server;
    }
    if (ChildExited(pid)) {
      server->pid_ = -1;
      *error = "fault server exited: " + ReadFile(workdir + "/faultserver.log");
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *error = "fault server did not write its port within 5 s";
  return nullptr;
}

FaultServer::~FaultServer() { StopChild(pid_); }

std::string FaultServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

bool FaultServer::SetFaults(const std::string& rules_json) {
  return Admin("PUT", Url("/_admin/faults"), "{\"rules\": " + rules_json + "}", nullptr) == 200;
}

bool FaultServer::Reset() { return Admin("POST", Url("/_admin/reset"), "", nullptr) == 200; }

nlohmann::json FaultServer::Stats() const {
  std::string body;
  if (Admin("GET", Url("/_admin/stats"), "", &body) != 200) return nullptr;
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

// ---- NginxServer ----------------------------------------------------------------------------

bool NginxServer::Available() {
  return ::access("/usr/sbin/nginx", X_OK) == 0 || std::system("command -v nginx >/dev/null 2>&1") == 0;
}

std::unique_ptr<NginxServer> NginxServer::Start(const std::string& root,
                                                const std::string& workdir,
                                                const std::string& write_token,
                                                std::string* error, bool tls) {
  std::string lib = SourceDir() + "/tests/integration/lib/nginx.sh";
  std::error_code ec;
  fs::create_directories(workdir, ec);
  fs::create_directories(root, ec);
  for (int attempt = 0; attempt < 5; ++attempt) {
    int port = ::leancache::testing::FreeLoopbackPort();
    std::string port_text = std::to_string(port);
    pid_t pid = ::fork();
    if (pid < 0) {
      *error = "fork failed";
      return nullptr;
    }
    if (pid == 0) {
      if (tls) ::setenv("NGINX_TLS", "1", 1);
      ::execl("/bin/bash", "bash", "-c",
              "source \"$0\" && nginx_exec \"$1\" \"$2\" \"$3\" \"$4\" "
              ">>\"$2/stdout.log\" 2>&1 </dev/null",
              lib.c_str(), root.c_str(), workdir.c_str(), port_text.c_str(), write_token.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      if (::leancache::testing::LoopbackPortOpen(port)) {
        auto server = std::unique_ptr<NginxServer>(new NginxServer());
        server->pid_ = pid;
        server->port_ = port;
        server->tls_ = tls;
        if (tls) server->ca_file_ = workdir + "/tls/cert.pem";
        return server;
      }
      if (ChildExited(pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    StopChild(pid);
  }
  *error = "nginx did not come up; error log: " + ReadFile(workdir + "/logs/error.log") +
           ReadFile(workdir + "/stdout.log");
  return nullptr;
}

NginxServer::~NginxServer() { StopChild(pid_); }

std::string NginxServer::Url(const std::string& path) const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) + path;
}

}  // namespace leancache::transfer::testing
