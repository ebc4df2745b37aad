#pragma once
// The loopback HTTP front of the Lake service, on libmicrohttpd (Debian libmicrohttpd-dev): one
// thread per connection (a GET may wait for an upstream download), `Expect: 100-continue` and
// chunked bodies handled by the library, request paths kept raw (no unescaping: SigV4 signs the
// encoded form). Each connection's uid is determined once (peer_uid.h) and judged by a
// PeerPolicy; PUTs are authenticated before their body is read.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "daemon/lakesvc/lake_service.h"
#include "daemon/lakesvc/peer_access.h"
#include "daemon/lakesvc/service_config.h"

struct MHD_Daemon;

namespace leancache::lakesvc {

class HttpServer {
 public:
  struct Options {
    std::optional<ListenAddress> listen;  // bind here, unless listen_fd >= 0
    int listen_fd = -1;                   // an already listening TCP socket (systemd)
    PeerPolicy policy;
    std::function<void()> on_request;     // e.g. keeps the daemon from exiting idle
    unsigned max_connections = 256;
  };

  // Starts serving `service` (which must outlive the server). Errors: Unavailable when the
  // address cannot be bound (in use, not permitted), InvalidArgument without an address.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(LakeService* service, Options options);

  ~HttpServer();  // stops accepting, waits for the connection threads
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }

  // Internal: libmicrohttpd's callbacks reach these.
  struct Request;
  int Handle(void* connection, const char* url, const char* method, const char* upload_data,
             size_t* upload_data_size, void** request_context);

 private:
  HttpServer(LakeService* service, Options options) : service_(service), options_(std::move(options)) {}
  int Reply(void* connection, Request& request, lakesvc::Reply reply);

  LakeService* service_;
  Options options_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
};

}  // namespace leancache::lakesvc
