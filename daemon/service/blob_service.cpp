#include "daemon/service/blob_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "daemon/core/peer_registry.h"
#include "daemon/multiuser/blob_chunk.h"
#include "daemon/multiuser/shared_cache.h"
#include "daemon/store/blob_name.h"
#include "spdlog/spdlog.h"

namespace leancache::service {
namespace {

// Largest archive accepted (Mathlib's biggest are tens of MiB; the ltar parse that checks each
// write reads the whole archive into memory).
constexpr uint64_t kMaxBlobBytes = uint64_t{1} << 30;

grpc::Status ToGrpc(const absl::Status& s) {
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case absl::StatusCode::kDataLoss: code = grpc::StatusCode::DATA_LOSS; break;
    case absl::StatusCode::kResourceExhausted: code = grpc::StatusCode::RESOURCE_EXHAUSTED; break;
    case absl::StatusCode::kPermissionDenied: code = grpc::StatusCode::PERMISSION_DENIED; break;
    case absl::StatusCode::kNotFound: code = grpc::StatusCode::NOT_FOUND; break;
    case absl::StatusCode::kFailedPrecondition: code = grpc::StatusCode::FAILED_PRECONDITION; break;
    default: break;
  }
  return grpc::Status(code, std::string(s.message()));
}

std::string Describe(const multiuser::Principal& who) {
  return who.user.empty() ? absl::StrCat("uid ", who.uid) : absl::StrCat(who.user, " (uid ", who.uid, ")");
}

// The caller and what it may do, or the error to return.
struct Caller {
  multiuser::Principal who;
  multiuser::Access access;
  multiuser::SharedCache* shared = nullptr;
};

std::optional<Caller> Identify(const core::Network& network, const core::Sessions& sessions,
                               grpc::ServerContext* context, grpc::Status* error) {
  if (network.shared == nullptr || !network.shared->system()) {
    *error = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "this leancached is not a shared system daemon (start it with --system)");
    return std::nullopt;
  }
  auto creds = sessions.peers == nullptr ? std::nullopt : sessions.peers->Lookup(context->peer());
  if (!creds || creds->uid == static_cast<uid_t>(-1)) {
    *error = grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "cannot identify the caller (no SO_PEERCRED credentials)");
    return std::nullopt;
  }
  Caller caller;
  caller.shared = network.shared;
  caller.who = multiuser::ResolvePrincipal(creds->uid, creds->gid);
  caller.access = network.shared->Policy().Decide(caller.who);
  return caller;
}

std::optional<uint64_t> ParseHash16(const std::string& hash16) {
  return store::ParseBlobFileName(hash16 + ".ltar");
}

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

grpc::Status ReadDenied(const Caller& caller) {
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      absl::StrCat(Describe(caller.who), " may not read the shared cache (\"readers\" in ",
                                   caller.shared->trust_config().string(), ")"));
}

}  // namespace

grpc::Status StatBlob(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, v1::BlobInfo* reply) {
  grpc::Status error;
  auto caller = Identify(state.network, state.sessions, context, &error);
  if (!caller) return error;
  if (!caller->access.read) return ReadDenied(*caller);
  auto key = ParseHash16(request.hash16());
  if (!key) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("hash16 must be 16 lowercase hex digits, got '", request.hash16(), "'"));
  }
  auto entry = caller->shared->store()->Find(*key, caller->who.uid);
  reply->set_found(entry.has_value());
  if (entry) {
    if (entry->trusted) reply->set_path(entry->path.string());
    reply->set_size(entry->size);
    reply->set_sha256(entry->sha256);
    reply->set_trusted(entry->trusted);
  }
  spdlog::debug("StatBlob {} by {}: {}", request.hash16(), Describe(caller->who),
                !entry ? "miss" : entry->trusted ? "trusted" : "own quarantine");
  return grpc::Status::OK;
}

grpc::Status ReadBlob(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, grpc::ServerWriter<v1::BlobChunk>* writer) {
  grpc::Status error;
  auto caller = Identify(state.network, state.sessions, context, &error);
  if (!caller) return error;
  if (!caller->access.read) return ReadDenied(*caller);
  auto key = ParseHash16(request.hash16());
  if (!key) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "hash16 must be 16 lowercase hex digits");
  auto entry = caller->shared->store()->Find(*key, caller->who.uid);
  if (!entry) return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request.hash16(), ".ltar is not in the shared cache"));
  fs::Fd fd(::open(entry->path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat("open ", entry->path.string(), ": ", std::strerror(errno)));
  }
  std::string buffer(multiuser::kBlobChunkBytes, '\0');
  uint64_t sent = 0;
  bool first = true;
  while (true) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat("read ", entry->path.string(), ": ", std::strerror(errno)));
    }
    if (n == 0 && !first) break;
    v1::BlobChunk chunk;
    if (first) {
      chunk.set_hash16(request.hash16());
      chunk.set_size(entry->size);
      chunk.set_sha256(entry->sha256);
      first = false;
    }
    chunk.set_data(buffer.data(), static_cast<size_t>(n));
    sent += n;
    if (!writer->Write(chunk)) return grpc::Status(grpc::StatusCode::CANCELLED, "the reader went away");
    if (n == 0) break;
  }
  spdlog::debug("ReadBlob {} by {}: {} bytes", request.hash16(), Describe(caller->who), sent);
  return grpc::Status::OK;
}

grpc::Status WriteBlob(const core::DaemonState& state, grpc::ServerContext* context,
                       grpc::ServerReader<v1::BlobChunk>* reader, v1::WriteBlobReply* reply) {
  grpc::Status error;
  auto caller = Identify(state.network, state.sessions, context, &error);
  if (!caller) return error;
  const multiuser::TrustPolicy policy = caller->shared->Policy();
  if (caller->access.write == multiuser::WriteAccess::kNone) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrCat(Describe(caller->who), " may not write to the shared cache (",
                                     caller->access.read ? "\"untrusted_writes\" is off" : "not a reader",
                                     " in ", caller->shared->trust_config().string(), ")"));
  }
  const bool trusted = caller->access.write == multiuser::WriteAccess::kTrusted;
  v1::BlobChunk chunk;
  if (!reader->Read(&chunk)) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "empty WriteBlob stream");
  multiuser::BlobClaim claim;
  auto key = ParseHash16(chunk.hash16());
  if (!key) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("the first chunk must name hash16 (16 lowercase hex digits), got '", chunk.hash16(), "'"));
  }
  if (!IsSha256Hex(chunk.sha256())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the first chunk must carry the SHA-256 as 64 lowercase hex digits");
  }
  if (chunk.size() == 0 || chunk.size() > kMaxBlobBytes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat("unacceptable archive size ", chunk.size()));
  }
  const std::string hash16 = chunk.hash16();
  claim.key = *key;
  claim.size = chunk.size();
  claim.sha256 = chunk.sha256();
  if (!trusted && claim.size > policy.quarantine_quota_bytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrCat("quarantine quota exceeded for uid ", caller->who.uid, ": ",
                                     hash16, ".ltar (", claim.size, " bytes) is larger than the quota of ",
                                     policy.quarantine_quota_bytes, " bytes"));
  }
  auto temp = caller->shared->store()->NewIncoming();
  if (!temp.ok()) return ToGrpc(temp.status());
  {
    fs::Fd fd(::open(temp->c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    absl::Status st = fd.valid() ? absl::OkStatus() : fs::ErrnoError(errno, absl::StrCat("open ", temp->string()));
    uint64_t received = 0;
    do {
      if (!st.ok()) break;
      received += chunk.data().size();
      if (received > claim.size) {
        st = absl::DataLossError(absl::StrCat("more bytes than the announced ", claim.size));
        break;
      }
      st = fs::WriteAll(fd.get(), chunk.data(), temp->string());
    } while (reader->Read(&chunk));
    if (!st.ok()) {
      std::error_code ec;
      std::filesystem::remove(*temp, ec);
      return ToGrpc(st);
    }
  }
  if (context->IsCancelled()) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the writer");
  }
  auto result = caller->shared->store()->Admit(*temp, claim, caller->who.uid, trusted,
                                               policy.quarantine_quota_bytes);
  if (!result.ok()) {
    spdlog::warn("WriteBlob {}.ltar by {} refused: {}", hash16, Describe(caller->who),
                 std::string(result.status().message()));
    return ToGrpc(result.status());
  }
  reply->set_stored(result->stored);
  reply->set_quarantined(result->quarantined);
  reply->set_message(result->message);
  spdlog::info("WriteBlob {}.ltar by {} ({}): {}", hash16,
               Describe(caller->who), trusted ? "trusted" : "untrusted", result->message);
  return grpc::Status::OK;
}

}  // namespace leancache::service
