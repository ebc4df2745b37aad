#pragma once
// Loopback HTTP peers for the transport tests: the scripted fault server
// (tests/tools/faultserver/faultserver.py) and a private nginx with WebDAV PUT
// (tests/integration/lib/nginx.sh). Both run as child processes of the test and are killed
// (and reaped) by the destructors.

#include <sys/types.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace leancache::transfer::testing {

// A fresh directory under $TMPDIR (or /tmp), removed recursively by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// Writes `bytes` to `path` (creating parent directories). Returns false on error.
bool WriteFile(const std::string& path, const std::string& bytes);
// The whole content of `path`, or "<missing>" if it cannot be read.
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);
// `n` pseudo-random bytes derived from `seed`.
std::string RandomBytes(size_t n, unsigned seed);

class FaultServer {
 public:
  // Starts the fault server serving `root`; nullptr (and *error) if it does not come up.
  static std::unique_ptr<FaultServer> Start(const std::string& root, const std::string& workdir,
                                            std::string* error);
  ~FaultServer();

  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  // Replaces the fault rules: `rules_json` is a JSON array of rule objects.
  bool SetFaults(const std::string& rules_json);
  // Clears rules and statistics.
  bool Reset();
  // The statistics JSON (see faultserver.py); null JSON on error.
  nlohmann::json Stats() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class NginxServer {
 public:
  // Whether an nginx binary is installed.
  static bool Available();
  // Starts nginx serving `root` (GET + WebDAV PUT/DELETE, conditional PUT emulation); with
  // `write_token`, writes need "Authorization: Bearer <token>"; with `tls`, HTTPS + HTTP/2 with
  // a self-signed certificate (trust ca_file()). nullptr (and *error) on failure.
  static std::unique_ptr<NginxServer> Start(const std::string& root, const std::string& workdir,
                                            const std::string& write_token, std::string* error,
                                            bool tls = false);
  ~NginxServer();

  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  // The certificate to trust for a TLS server ("" otherwise).
  const std::string& ca_file() const { return ca_file_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool tls_ = false;
  std::string ca_file_;
};

}  // namespace leancache::transfer::testing
