#include "daemon/lakesvc/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstdarg>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/lakesvc/peer_uid.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {

// Per request (libmicrohttpd's con_cls).
struct HttpServer::Request {
  bool answered = false;
  std::string method;
  std::string path;
  std::unique_ptr<PendingPut> put;
};

namespace {

// Per connection (libmicrohttpd's socket_context): who is on the other end.
struct Peer {
  absl::StatusOr<uid_t> uid = absl::UnknownError("not determined");
};

void OnConnection(void*, MHD_Connection* connection, void** socket_context, MHD_ConnectionNotificationCode code) {
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    auto* peer = new Peer;
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    peer->uid = info != nullptr ? ConnectionPeerUid(info->connect_fd) : absl::UnknownError("no socket");
    if (!peer->uid.ok()) spdlog::warn("lake service: cannot tell who connected: {}", peer->uid.status().ToString());
    *socket_context = peer;
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    delete static_cast<Peer*>(*socket_context);
    *socket_context = nullptr;
  }
}

void OnCompleted(void*, MHD_Connection*, void** request_context, MHD_RequestTerminationCode) {
  delete static_cast<HttpServer::Request*>(*request_context);
  *request_context = nullptr;
}

// Keeps paths and query strings exactly as sent (SigV4 signs the encoded form).
size_t NoUnescape(void*, MHD_Connection*, char* s) { return std::strlen(s); }

void Log(void*, const char* format, va_list args) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, format, args);
  std::string text(buf);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  spdlog::warn("lake service (libmicrohttpd): {}", text);
}

MHD_Result Dispatch(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                    const char* upload_data, size_t* upload_data_size, void** request_context) {
  return static_cast<HttpServer*>(cls)->Handle(connection, url, method, upload_data, upload_data_size,
                                               request_context) == MHD_YES ? MHD_YES : MHD_NO;
}

MHD_Result CollectPair(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<std::vector<std::pair<std::string, std::string>>*>(cls)->emplace_back(key, value ? value : "");
  return MHD_YES;
}

sigv4::RequestView ViewOf(MHD_Connection* connection, const HttpServer::Request& request) {
  sigv4::RequestView view;
  view.method = request.method;
  view.path = request.path;
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, CollectPair, &view.query);
  MHD_get_connection_values(connection, MHD_HEADER_KIND, CollectPair, &view.headers);
  return view;
}

const Peer* PeerOf(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == nullptr ? nullptr : static_cast<const Peer*>(info->socket_context);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(LakeService* service, Options options) {
  if (options.listen_fd < 0 && !options.listen) return absl::InvalidArgumentError("the Lake service has no address");
  std::unique_ptr<HttpServer> server(new HttpServer(service, std::move(options)));
  const Options& o = server->options_;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(o.listen ? o.listen->port : 0);
  MHD_OptionItem socket_option = o.listen_fd >= 0
      ? MHD_OptionItem{MHD_OPTION_LISTEN_SOCKET, o.listen_fd, nullptr}
      : MHD_OptionItem{MHD_OPTION_SOCK_ADDR, 0, &addr};
  MHD_OptionItem items[] = {
      socket_option,
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(o.max_connections), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, 300, nullptr},
      {MHD_OPTION_END, 0, nullptr}};
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ERROR_LOG, 0,
      nullptr, nullptr, &Dispatch, server.get(), MHD_OPTION_EXTERNAL_LOGGER, &Log, nullptr, MHD_OPTION_ARRAY,
      items, MHD_OPTION_UNESCAPE_CALLBACK, &NoUnescape, nullptr, MHD_OPTION_NOTIFY_CONNECTION, &OnConnection,
      nullptr, MHD_OPTION_NOTIFY_COMPLETED, &OnCompleted, nullptr, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve the Lake service on ",
                                               o.listen_fd >= 0 ? "the socket passed by systemd" : o.listen->ToString(),
                                               " (address in use or not permitted?)"));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : 0;
  return server;
}

HttpServer::~HttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

int HttpServer::Reply(void* conn, Request& request, lakesvc::Reply reply) {
  auto* connection = static_cast<MHD_Connection*>(conn);
  request.answered = true;
  MHD_Response* response = nullptr;
  if (reply.file.valid()) {
    response = MHD_create_response_from_fd64(reply.file_size, reply.file.Release());
  } else {
    response = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
  }
  if (response == nullptr) return MHD_NO;
  if (!reply.content_type.empty()) MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  if (reply.status >= 400) {
    spdlog::info("lake service: {} {} -> {}", request.method, request.path, reply.status);
  } else {
    spdlog::debug("lake service: {} {} -> {}", request.method, request.path, reply.status);
  }
  // For HEAD, libmicrohttpd sends the headers (Content-Length included) without the body.
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);
  return queued;
}

int HttpServer::Handle(void* conn, const char* url, const char* method, const char* upload_data,
                       size_t* upload_data_size, void** request_context) {
  auto* connection = static_cast<MHD_Connection*>(conn);
  auto* request = static_cast<Request*>(*request_context);
  if (request != nullptr) {  // a later call: body data of a PUT, or its end
    if (request->answered || !request->put) {
      *upload_data_size = 0;  // already refused: discard the rest
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      service_->Append(*request->put, std::string_view(upload_data, *upload_data_size));
      *upload_data_size = 0;
      return MHD_YES;
    }
    return Reply(conn, *request, service_->FinishPut(*request->put));
  }
  request = new Request;
  *request_context = request;
  request->method = method;
  request->path = url;
  if (options_.on_request) options_.on_request();
  const bool get = request->method == "GET" || request->method == "HEAD";
  if (!get && request->method != "PUT") {
    return Reply(conn, *request, ErrorReply(405, "MethodNotAllowed", "only GET, HEAD and PUT are supported"));
  }
  const Peer* peer = PeerOf(connection);
  if (peer == nullptr || !peer->uid.ok()) {
    return Reply(conn, *request, ErrorReply(403, "AccessDenied", "cannot determine the connecting user"));
  }
  PeerRights rights = options_.policy(*peer->uid);
  if (!(get ? rights.read : rights.write)) {
    return Reply(conn, *request, ErrorReply(403, "AccessDenied",
                                            absl::StrCat("user ", rights.user, " may not ", get ? "read from" : "write to",
                                                         " this cache service")));
  }
  auto object = ParseObjectPath(request->path);
  if (!object.ok()) {
    int status = absl::IsNotFound(object.status()) ? 404 : 400;
    return Reply(conn, *request, ErrorReply(status, status == 404 ? "NoSuchKey" : "InvalidURI", object.status().message()));
  }
  if (get) return Reply(conn, *request, service_->Get(*object, rights.user));
  auto begun = service_->BeginPut(*object, ViewOf(connection, *request), rights.user);
  if (auto* refused = std::get_if<lakesvc::Reply>(&begun)) return Reply(conn, *request, std::move(*refused));
  request->put = std::move(std::get<std::unique_ptr<PendingPut>>(begun));
  return MHD_YES;  // libmicrohttpd now answers 100-continue and delivers the body
}

}  // namespace leancache::lakesvc
