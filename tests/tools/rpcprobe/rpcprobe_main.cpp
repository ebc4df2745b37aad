// leancache-rpcprobe: sends well-formed and hostile requests to a running leancached over its
// Unix socket and reports, one line per outcome, what came back. Used by
// tests/integration/bad_rpc_test.sh; never part of the product.
//
// usage: leancache-rpcprobe --socket PATH CASE [ARGS...]
//   status                               Status RPC; prints pid/active/served
//   command RPC WORD ROOT [ARG...]       a command RPC (hash|lookup|get|verify|stats|clean|...)
//                                        with the caller's MATHLIB_*/LEAN*/XDG_*/HOME forwarded;
//                                        prints every line, then "done=N grpc=CODE"
//   filestatus ROOT CWD PATH...          FileStatus; one line per file: path|module|problem|reason
//   bigarg BYTES                         Hash in "/" with one BYTES-long argument (above the
//                                        daemon's limit: RESOURCE_EXHAUSTED; below: handled)
//   unknown-enum ROOT PATH               FileStatus request carrying out-of-range enum/bool values
//                                        and unknown fields, sent as raw bytes
//   raw METHOD HEXBYTES                  unary call of /leancache.v1.Cache/METHOD with raw bytes
//   disconnect RPC WORD ROOT EVENTS      start a command stream, read EVENTS events, then exit
//                                        abruptly (the socket is closed by the kernel mid-stream)
//   garbage KIND                         raw socket: random|http1|preface|badframe|idle
// Exit status: 0 when the daemon answered cleanly (an OK reply, or a gRPC error other than
// INTERNAL/UNKNOWN/UNAVAILABLE/DEADLINE_EXCEEDED with a message), 1 otherwise, 2 on usage errors.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "leancache/v1/cache.grpc.pb.h"

extern char** environ;

namespace {

namespace v1 = leancache::v1;

const char* CodeName(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "?";
  }
}

bool Clean(const grpc::Status& st) {
  switch (st.error_code()) {
    case grpc::StatusCode::OK: return true;
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: return false;
    default: return !st.error_message().empty();
  }
}

std::string Oneline(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s.size() > 300 ? s.substr(0, 300) + "..." : s;
}

void PrintStatus(const grpc::Status& st) {
  std::printf("grpc=%s msg=%s\n", CodeName(st.error_code()), Oneline(st.error_message()).c_str());
}

void SetDeadline(grpc::ClientContext* ctx, int seconds = 120) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

// The request fields the real client fills: forwarded environment and cwd.
void FillInvocation(v1::Invocation* inv, const std::string& root) {
  inv->set_project_root(root);
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd) != nullptr) inv->set_client_cwd(cwd);
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    if (k.rfind("MATHLIB_", 0) == 0 || k.rfind("LEAN_", 0) == 0 || k.rfind("XDG_", 0) == 0 ||
        k == "HOME") {
      (*inv->mutable_env())[k] = kv.substr(eq + 1);
    }
  }
}

std::unique_ptr<grpc::ClientReader<v1::Event>> StartCommand(v1::Cache::Stub& stub,
                                                            grpc::ClientContext* ctx,
                                                            const std::string& rpc,
                                                            const v1::CommandRequest& req) {
  if (rpc == "hash") return stub.Hash(ctx, req);
  if (rpc == "lookup") return stub.Lookup(ctx, req);
  if (rpc == "get") return stub.Get(ctx, req);
  if (rpc == "unpack") return stub.Unpack(ctx, req);
  if (rpc == "clean") return stub.Clean(ctx, req);
  if (rpc == "pack") return stub.Pack(ctx, req);
  if (rpc == "stage") return stub.Stage(ctx, req);
  if (rpc == "put") return stub.Put(ctx, req);
  if (rpc == "commit") return stub.Commit(ctx, req);
  if (rpc == "verify") return stub.Verify(ctx, req);
  if (rpc == "stats") return stub.Stats(ctx, req);
  if (rpc == "gc") return stub.Gc(ctx, req);
  return nullptr;
}

int RunStatus(v1::Cache::Stub& stub) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, 10);
  v1::StatusReply reply;
  grpc::Status st = stub.Status(&ctx, v1::StatusRequest(), &reply);
  if (!st.ok()) {
    PrintStatus(st);
    return 1;
  }
  std::printf("pid=%lld active=%llu served=%llu\n", static_cast<long long>(reply.pid()),
              static_cast<unsigned long long>(reply.active_requests()),
              static_cast<unsigned long long>(reply.requests_served()));
  return 0;
}

int RunCommandCase(v1::Cache::Stub& stub, const std::string& rpc, const std::string& word,
                   const std::string& root, const std::vector<std::string>& args,
                   int stop_after_events) {
  v1::CommandRequest req;
  req.set_command(word);
  FillInvocation(req.mutable_invocation(), root);
  for (const std::string& a : args) req.mutable_invocation()->add_args(a);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto reader = StartCommand(stub, &ctx, rpc, req);
  if (!reader) {
    std::fprintf(stderr, "rpcprobe: unknown command RPC '%s'\n", rpc.c_str());
    return 2;
  }
  v1::Event ev;
  int events = 0, dones = 0, exit_code = -1;
  while (reader->Read(&ev)) {
    ++events;
    if (ev.has_message()) std::printf("%s: %s\n", ev.message().stream() == v1::Message::STDERR ? "err" : "out",
                                      Oneline(ev.message().text()).c_str());
    if (ev.has_done()) {
      ++dones;
      exit_code = ev.done().exit_code();
    }
    if (stop_after_events > 0 && events >= stop_after_events) {
      std::printf("disconnecting after %d events\n", events);
      std::fflush(stdout);
      std::_Exit(0);  // no RST_STREAM, no goodbye: the kernel closes the socket
    }
  }
  grpc::Status st = reader->Finish();
  std::printf("done=%d events=%d dones=%d ", exit_code, events, dones);
  PrintStatus(st);
  if (stop_after_events > 0) return 1;  // the stream ended before the disconnect point
  if (st.ok() && dones != 1) return 1;
  return Clean(st) ? 0 : 1;
}

int RunFileStatus(v1::Cache::Stub& stub, const std::string& root, const std::string& cwd,
                  const std::vector<std::string>& paths) {
  v1::FileStatusRequest req;
  FillInvocation(req.mutable_invocation(), root);
  req.mutable_invocation()->set_client_cwd(cwd);
  for (const std::string& p : paths) req.add_paths(p);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::FileStatusReply reply;
  grpc::Status st = stub.FileStatus(&ctx, req, &reply);
  for (const v1::FileState& f : reply.files()) {
    std::printf("%s|%s|%s|%s\n", f.path().c_str(), f.module().c_str(),
                v1::Problem_Name(f.problem()).c_str(), Oneline(f.reason()).c_str());
  }
  PrintStatus(st);
  if (st.ok() && reply.files_size() != req.paths_size()) return 1;
  return Clean(st) ? 0 : 1;
}

// A unary call with the request given as raw bytes (the server's parser sees them as is).
int RunRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
           const std::string& bytes) {
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, 30);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  auto call = generic.PrepareUnaryCall(&ctx, "/leancache.v1.Cache/" + method, request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status st;
  call->Finish(&response, &st, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  std::printf("reply_bytes=%zu ", response.Length());
  if (st.ok() && method == "FileStatus") {
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    std::string out;
    for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    v1::FileStatusReply reply;
    if (reply.ParseFromString(out)) {
      std::printf("files=%d ", reply.files_size());
      for (const v1::FileState& f : reply.files()) std::printf("[%s %s] ", f.path().c_str(), v1::Problem_Name(f.problem()).c_str());
    }
  }
  PrintStatus(st);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return Clean(st) ? 0 : 1;
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// FileStatusRequest with hostile scalars: check_remote = 7 (a bool out of range), and unknown
// fields 8 (varint 0x7fffffff, as an unknown enum value would be), 9 (varint -1: ten bytes),
// 15 (fixed64) and 100 (length-delimited). proto3 parsers must keep or skip them.
std::string UnknownEnumRequest(const std::string& root, const std::string& path) {
  v1::FileStatusRequest req;
  FillInvocation(req.mutable_invocation(), root);
  req.add_paths(path);
  std::string bytes = req.SerializeAsString();
  bytes.push_back(static_cast<char>((3 << 3) | 0));
  AppendVarint(&bytes, 7);
  bytes.push_back(static_cast<char>((8 << 3) | 0));
  AppendVarint(&bytes, 0x7fffffff);
  bytes.push_back(static_cast<char>((9 << 3) | 0));
  AppendVarint(&bytes, static_cast<uint64_t>(-1));
  bytes.push_back(static_cast<char>((15 << 3) | 1));
  bytes.append(8, '\xff');
  AppendVarint(&bytes, (100 << 3) | 2);
  AppendVarint(&bytes, 3);
  bytes.append("xyz");
  return bytes;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Raw bytes on the socket, not (valid) HTTP/2. Prints how the daemon reacted: the bytes it sent
// back before closing, or that it kept the connection open for the whole wait.
int RunGarbage(const std::string& socket_path, const std::string& kind) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::printf("connect failed: %s\n", std::strerror(errno));
    return 1;
  }
  std::string payload;
  std::mt19937_64 rng(42);
  const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  if (kind == "random") {
    for (int i = 0; i < 65536; ++i) payload.push_back(static_cast<char>(rng()));
  } else if (kind == "http1") {
    payload = "GET /leancache.v1.Cache/Status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  } else if (kind == "preface") {
    payload = preface;
    for (int i = 0; i < 4096; ++i) payload.push_back(static_cast<char>(rng()));
  } else if (kind == "badframe") {
    // A SETTINGS frame header claiming 16 MiB, then a few bytes and EOF.
    payload = preface + std::string("\xff\xff\xff\x04\x00\x00\x00\x00\x00", 9) + "abc";
  } else if (kind != "idle") {
    std::fprintf(stderr, "rpcprobe: unknown garbage kind '%s'\n", kind.c_str());
    return 2;
  }
  size_t off = 0;
  while (off < payload.size()) {
    ssize_t n = ::send(fd, payload.data() + off, payload.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the daemon may close on us half-way: fine
    off += static_cast<size_t>(n);
  }
  size_t received = 0;
  bool closed = false;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(kind == "idle" ? 2 : 5);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    received += static_cast<size_t>(n);
  }
  ::close(fd);
  std::printf("garbage=%s sent=%zu received=%zu daemon_closed=%s\n", kind.c_str(), off, received,
              closed ? "yes" : "no");
  return 0;
}

int Usage() {
  std::fprintf(stderr, "usage: leancache-rpcprobe --socket PATH CASE [ARGS...] (see the source header)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 || args[0] != "--socket") return Usage();
  const std::string socket = args[1];
  const std::string which = args[2];
  std::vector<std::string> rest(args.begin() + 3, args.end());

  if (which == "garbage") return rest.size() == 1 ? RunGarbage(socket, rest[0]) : Usage();

  grpc::ChannelArguments chargs;
  chargs.SetMaxSendMessageSize(-1);
  chargs.SetMaxReceiveMessageSize(-1);
  auto channel = grpc::CreateCustomChannel("unix://" + socket, grpc::InsecureChannelCredentials(), chargs);
  auto stub = v1::Cache::NewStub(channel);

  if (which == "status") return RunStatus(*stub);
  if (which == "command" && rest.size() >= 3) {
    return RunCommandCase(*stub, rest[0], rest[1], rest[2], {rest.begin() + 3, rest.end()}, 0);
  }
  if (which == "disconnect" && rest.size() == 4) {
    return RunCommandCase(*stub, rest[0], rest[1], rest[2], {}, std::atoi(rest[3].c_str()));
  }
  if (which == "filestatus" && rest.size() >= 3) {
    return RunFileStatus(*stub, rest[0], rest[1], {rest.begin() + 2, rest.end()});
  }
  if (which == "bigarg" && rest.size() == 1) {
    v1::CommandRequest req;
    req.set_command("hash");
    FillInvocation(req.mutable_invocation(), "/");
    req.mutable_invocation()->add_args(std::string(std::stoull(rest[0]), 'x'));
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto reader = stub->Hash(&ctx, req);
    v1::Event ev;
    int events = 0;
    while (reader->Read(&ev)) ++events;
    grpc::Status st = reader->Finish();
    std::printf("events=%d ", events);
    PrintStatus(st);
    return Clean(st) ? 0 : 1;
  }
  if (which == "unknown-enum" && rest.size() == 2) {
    return RunRaw(channel, "FileStatus", UnknownEnumRequest(rest[0], rest[1]));
  }
  if (which == "raw" && rest.size() == 2) return RunRaw(channel, rest[0], Unhex(rest[1]));
  return Usage();
}
