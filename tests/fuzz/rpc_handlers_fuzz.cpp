// libFuzzer entry point for the daemon's RPC handlers (daemon/service/cache_service and the
// commands behind it). Setup (once): the daemon's real components exactly as RunDaemon wires
// them (LMDB index in a temp state dir, transport, unpack pool, key cache, ...), a real
// CacheService registered on a real grpc::Server, and a stub on the server's in-process
// channel. Per input: byte 0 picks the RPC, the rest is the serialized request (protobuf wire
// format, decoded with the generated parser exactly like the server does); WriteBlob takes a
// stream of [u16 little-endian length][BlobChunk bytes] records. The call goes through gRPC
// into the real handler, with a 5 s deadline.
//
// Only RPCs that cannot leave the sandbox are driven: Status, Hash, Lookup, Verify, Stats,
// FileStatus (check_remote forced off), StatBlob, ReadBlob, WriteBlob. Get/Put/Clean/Pack/
// Stage/Commit/Gc/Prefetch would download, upload or delete with fuzzed paths and are covered
// by tests/integration/bad_rpc_test.sh instead. The forwarded environment is kept except for
// the cache locations (forced into the sandbox) and the MATHLIB_CACHE_* source settings
// (removed, so nothing reaches the network).
//
// Invariants: no crash, no sanitizer report, every call finishes before its deadline, every
// command stream ends with exactly one Done event, and the daemon still answers Status.
//
// The sandbox is $LEANCACHE_RPC_FUZZ_DIR (default /tmp/leancache-rpc-fuzz), recreated at start;
// it holds project/ (a 3-module Lake workspace), home/, cache/ and state/. With
// LEANCACHE_RPC_FUZZ_WRITE_SEEDS=DIR the target writes its seed corpus to DIR and exits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>

#include "daemon/get/dep_hash_cache.h"
#include "daemon/get/unpack_pool.h"
#include "daemon/index/index.h"
#include "daemon/keycache/project_key_cache.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/core/peer_registry.h"
#include "daemon/service/cache_service.h"
#include "daemon/sources/config.h"
#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/transport.h"
#include "leancache/v1/cache.grpc.pb.h"
#include "spdlog/spdlog.h"

namespace {

namespace fs = std::filesystem;
namespace v1 = leancache::v1;

[[noreturn]] void Fail(const char* why) {
  fprintf(stderr, "rpc_handlers_fuzz: invariant broken: %s\n", why);
  __builtin_trap();
}

enum Rpc : uint8_t { kStatus, kHash, kLookup, kVerify, kStats, kFileStatus, kStatBlob,
                     kReadBlob, kWriteBlob, kRpcCount };

void WriteText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// The long-lived daemon, built once per process.
struct Harness {
  fs::path root;
  std::unique_ptr<leancache::index::Index> index;
  leancache::sources::Config config;
  std::unique_ptr<leancache::transfer::Transport> transport;
  std::unique_ptr<leancache::transfer::FetchGroup> fetches;
  std::unique_ptr<leancache::get::UnpackPool> unpack_pool;
  leancache::get::DepHashCache dep_hashes;
  leancache::core::ActivityTracker activity;
  leancache::core::PeerRegistry peers;
  leancache::keycache::ProjectKeyCache key_cache;
  leancache::core::DaemonState state;
  std::unique_ptr<leancache::service::CacheService> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::Cache::Stub> stub;
};

Harness* g = nullptr;

fs::path SandboxRoot() {
  const char* dir = std::getenv("LEANCACHE_RPC_FUZZ_DIR");
  return dir != nullptr && *dir != '\0' ? fs::path(dir) : fs::path("/tmp/leancache-rpc-fuzz");
}

void MakeProject(const fs::path& p) {
  WriteText(p / "lean-toolchain", "leanprover/lean4:v4.22.0\n");
  WriteText(p / "lakefile.lean", "import Lake\nopen Lake DSL\npackage mathlib\n@[default_target]\nlean_lib Mathlib\n");
  WriteText(p / "lake-manifest.json",
            "{\"version\": \"1.1.0\", \"packagesDir\": \".lake/packages\", \"packages\": [], "
            "\"name\": \"mathlib\", \"lakeDir\": \".lake\"}\n");
  WriteText(p / "Mathlib.lean", "import Mathlib.A\nimport Mathlib.B\n");
  WriteText(p / "Mathlib/A.lean", "import Mathlib.B\n\ntheorem a : True := trivial\n");
  WriteText(p / "Mathlib/B.lean", "/-! doc -/\ntheorem b : True := trivial\n");
}

void ForceSandboxEnv(v1::Invocation* inv) {
  auto* env = inv->mutable_env();
  for (auto it = env->begin(); it != env->end();) {
    if (it->first.rfind("MATHLIB_CACHE_", 0) == 0 || it->first.rfind("XDG_", 0) == 0 ||
        it->first.rfind("HOME", 0) == 0) {
      it = env->erase(it);
    } else {
      ++it;
    }
  }
  (*env)["HOME"] = (g->root / "home").string();
  (*env)["XDG_CACHE_HOME"] = (g->root / "cache").string();
  (*env)["XDG_CONFIG_HOME"] = (g->root / "home/.config").string();
  (*env)["XDG_STATE_HOME"] = (g->root / "home/.state").string();
  (*env)["MATHLIB_CACHE_DIR"] = (g->root / "cache/mathlib").string();
}

std::string Serialize(uint8_t rpc, const google::protobuf::Message& m) {
  return std::string(1, static_cast<char>(rpc)) + m.SerializeAsString();
}

void WriteSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  const std::string project = (g->root / "project").string();
  auto put = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  };
  put("status", std::string(1, kStatus));
  const char* words[] = {"hash", "lookup", "verify", "stats"};
  const Rpc rpcs[] = {kHash, kLookup, kVerify, kStats};
  for (int i = 0; i < 4; ++i) {
    v1::CommandRequest req;
    req.set_command(words[i]);
    req.mutable_invocation()->set_project_root(project);
    req.mutable_invocation()->set_client_cwd(project);
    put(std::string(words[i]) + "_plain", Serialize(rpcs[i], req));
    req.mutable_invocation()->add_args("Mathlib/A.lean");
    req.mutable_invocation()->add_args("Mathlib.B");
    (*req.mutable_invocation()->mutable_options())["repo"] = "leanprover-community/mathlib4";
    req.mutable_invocation()->set_json(true);
    put(std::string(words[i]) + "_args", Serialize(rpcs[i], req));
    req.mutable_invocation()->set_project_root(project + "/../project/./Mathlib/..");
    req.mutable_invocation()->add_args("../../etc/passwd");
    put(std::string(words[i]) + "_dotdot", Serialize(rpcs[i], req));
  }
  v1::FileStatusRequest fsr;
  fsr.mutable_invocation()->set_project_root(project);
  fsr.mutable_invocation()->set_client_cwd(project + "/Mathlib");
  fsr.add_paths("A.lean");
  fsr.add_paths(project + "/Mathlib/B.lean");
  fsr.add_paths("Mathlib.A");
  fsr.add_paths("/etc/passwd");
  put("filestatus", Serialize(kFileStatus, fsr));
  v1::BlobRef ref;
  ref.set_hash16("0123456789abcdef");
  put("statblob", Serialize(kStatBlob, ref));
  put("readblob", Serialize(kReadBlob, ref));
  std::string ws(1, kWriteBlob);
  v1::BlobChunk first;
  first.set_hash16("0123456789abcdef");
  first.set_size(5);
  first.set_sha256("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  first.set_data("he");
  v1::BlobChunk second;
  second.set_data("llo");
  for (const v1::BlobChunk* c : {&first, &second}) {
    std::string b = c->SerializeAsString();
    ws.push_back(static_cast<char>(b.size() & 0xff));
    ws.push_back(static_cast<char>(b.size() >> 8));
    ws += b;
  }
  put("writeblob", ws);
}

void Setup() {
  g = new Harness;
  g->root = SandboxRoot();
  std::error_code ec;
  fs::remove_all(g->root, ec);
  fs::create_directories(g->root / "state");
  fs::create_directories(g->root / "cache/mathlib");
  fs::create_directories(g->root / "home");
  MakeProject(g->root / "project");
  spdlog::set_level(spdlog::level::off);
  google::protobuf::SetLogHandler(nullptr);  // "invalid UTF-8" parse noise from mutated inputs

  auto index = leancache::index::Index::Open(g->root / "state/index");
  if (!index.ok()) Fail("index open");
  g->index = std::move(*index);
  leancache::transfer::TransportOptions topts;
  topts.max_concurrent = 2;
  topts.connect_timeout = std::chrono::seconds(1);
  topts.retry.max_attempts = 1;
  auto transport = leancache::transfer::Transport::Create(topts);
  if (!transport.ok()) Fail("transport");
  g->transport = std::move(*transport);
  g->fetches = std::make_unique<leancache::transfer::FetchGroup>(*g->transport);
  g->unpack_pool = std::make_unique<leancache::get::UnpackPool>(2);

  auto& s = g->state;
  s.identity.socket_path = (g->root / "leancached.sock").string();
  s.identity.state_dir = g->root / "state";
  s.identity.default_cache_dir = g->root / "cache/mathlib";
  s.sessions.activity = &g->activity;
  s.sessions.peers = &g->peers;
  s.sessions.request_shutdown = [] { Fail("shutdown requested"); };
  s.local.index = g->index.get();
  s.local.key_cache = &g->key_cache;
  s.local.unpack_pool = g->unpack_pool.get();
  s.local.dep_hashes = &g->dep_hashes;
  s.network.config = &g->config;
  s.network.transport = g->transport.get();
  s.network.fetches = g->fetches.get();
  g->service = std::make_unique<leancache::service::CacheService>(&g->state);

  grpc::ServerBuilder builder;
  builder.RegisterService(g->service.get());
  builder.SetMaxReceiveMessageSize(16 << 20);
  g->server = builder.BuildAndStart();
  if (!g->server) Fail("server start");
  g->stub = v1::Cache::NewStub(g->server->InProcessChannel(grpc::ChannelArguments()));
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

void CheckFinished(const grpc::Status& st) {
  if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) Fail("handler exceeded 5 s");
  if (st.error_code() == grpc::StatusCode::INTERNAL) Fail("handler returned INTERNAL");
}

void RunCommand(uint8_t rpc, const std::string& bytes) {
  v1::CommandRequest req;
  if (!req.ParseFromString(bytes)) return;
  ForceSandboxEnv(req.mutable_invocation());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader;
  switch (rpc) {
    case kHash: reader = g->stub->Hash(&ctx, req); break;
    case kLookup: reader = g->stub->Lookup(&ctx, req); break;
    case kVerify: reader = g->stub->Verify(&ctx, req); break;
    default: reader = g->stub->Stats(&ctx, req); break;
  }
  v1::Event ev;
  int dones = 0;
  bool after_done = false;
  while (reader->Read(&ev)) {
    if (dones > 0) after_done = true;
    if (ev.has_done()) ++dones;
  }
  grpc::Status st = reader->Finish();
  CheckFinished(st);
  if (st.ok() && (dones != 1 || after_done)) Fail("command stream without exactly one final Done");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Setup();
  if (const char* seeds = std::getenv("LEANCACHE_RPC_FUZZ_WRITE_SEEDS")) {
    WriteSeeds(seeds);
    std::_Exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t rpc = data[0] % kRpcCount;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (rpc) {
    case kStatus: {
      grpc::ClientContext ctx;
      SetDeadline(&ctx);
      v1::StatusReply reply;
      grpc::Status st = g->stub->Status(&ctx, v1::StatusRequest(), &reply);
      if (!st.ok()) Fail("Status failed");
      break;
    }
    case kHash:
    case kLookup:
    case kVerify:
    case kStats:
      RunCommand(rpc, bytes);
      break;
    case kFileStatus: {
      v1::FileStatusRequest req;
      if (!req.ParseFromString(bytes)) return 0;
      ForceSandboxEnv(req.mutable_invocation());
      req.set_check_remote(false);
      grpc::ClientContext ctx;
      SetDeadline(&ctx);
      v1::FileStatusReply reply;
      grpc::Status st = g->stub->FileStatus(&ctx, req, &reply);
      CheckFinished(st);
      if (st.ok() && reply.files_size() != req.paths_size()) Fail("FileStatus reply count");
      break;
    }
    case kStatBlob:
    case kReadBlob: {
      v1::BlobRef ref;
      if (!ref.ParseFromString(bytes)) return 0;
      grpc::ClientContext ctx;
      SetDeadline(&ctx);
      grpc::Status st;
      if (rpc == kStatBlob) {
        v1::BlobInfo info;
        st = g->stub->StatBlob(&ctx, ref, &info);
      } else {
        auto reader = g->stub->ReadBlob(&ctx, ref);
        v1::BlobChunk chunk;
        while (reader->Read(&chunk)) {
        }
        st = reader->Finish();
      }
      CheckFinished(st);
      break;
    }
    case kWriteBlob: {
      grpc::ClientContext ctx;
      SetDeadline(&ctx);
      v1::WriteBlobReply reply;
      auto writer = g->stub->WriteBlob(&ctx, &reply);
      size_t pos = 0;
      while (pos + 2 <= bytes.size()) {
        size_t len = static_cast<uint8_t>(bytes[pos]) | (static_cast<uint8_t>(bytes[pos + 1]) << 8);
        pos += 2;
        len = std::min(len, bytes.size() - pos);
        v1::BlobChunk chunk;
        bool parsed = chunk.ParseFromArray(bytes.data() + pos, static_cast<int>(len));
        pos += len;
        if (!parsed) break;
        if (!writer->Write(chunk)) break;
      }
      writer->WritesDone();
      CheckFinished(writer->Finish());
      break;
    }
  }
  return 0;
}
