#include "daemon/lakesvc/lake_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "daemon/lake/service_key.h"
#include "daemon/lakesvc/upstream_session.h"
#include "daemon/lakesvc/write_through.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {
namespace {

// A verifier error ("SignatureDoesNotMatch: …") as an S3 error reply: the code, then the rest.
Reply VerifierReply(const absl::Status& status) {
  const int http = absl::IsInvalidArgument(status) ? 400 : 403;
  absl::string_view message = status.message();
  size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || message.substr(0, colon).find(' ') != absl::string_view::npos) {
    return ErrorReply(http, "AccessDenied", message);
  }
  return ErrorReply(http, std::string(message.substr(0, colon)), message.substr(colon + 2));
}

Reply UpstreamFailure(const absl::Status& status) {
  if (absl::IsNotFound(status)) return ErrorReply(404, "NoSuchKey", status.message());
  if (absl::IsDataLoss(status)) return ErrorReply(502, "UpstreamBodyCorrupt", status.message());
  return ErrorReply(502, "UpstreamFailed", status.message());
}

}  // namespace

LakeService::LakeService(ServiceParts parts)
    : parts_(std::move(parts)),
      read_through_(parts_.config.upstream, parts_.fetches, parts_.artifacts, parts_.revisions, parts_.net_config) {}

Reply LakeService::Serve(const ObjectPath& object, std::string_view user) {
  if (object.kind == ObjectKind::kRevision) {
    auto file = parts_.revisions->Open(object);
    if (!file.ok()) return absl::IsNotFound(file.status()) ? ErrorReply(404, "NoSuchKey", file.status().message())
                                                           : ErrorReply(500, "InternalError", file.status().message());
    return FileReply(std::move(file->first), file->second, kRevisionType);
  }
  auto found = parts_.artifacts->Find(object.lake_hash, "art");
  if (!found.ok()) {
    return absl::IsNotFound(found.status()) ? ErrorReply(404, "NoSuchKey", found.status().message())
                                            : ErrorReply(500, "InternalError", found.status().message());
  }
  fs::Fd fd(::open(found->path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrorReply(500, "InternalError", fs::ErrnoError(errno, found->path.string()).message());
  const uint64_t hash = object.lake_hash;
  if (auto touched = parts_.artifacts->Touch({&hash, 1}, user); !touched.ok()) {
    spdlog::warn("lake service: {}", touched.status().ToString());
  }
  return FileReply(std::move(fd), found->size, kArtifactType);
}

Reply LakeService::Get(const ObjectPath& object, std::string_view user) {
  Reply local = Serve(object, user);
  if (local.status != 404) return local;
  absl::Status fetched = read_through_.Fetch(object);
  if (!fetched.ok()) return UpstreamFailure(fetched);
  return Serve(object, user);
}

std::variant<Reply, std::unique_ptr<PendingPut>> LakeService::BeginPut(const ObjectPath& object,
                                                                       const sigv4::RequestView& request,
                                                                       std::string_view user) {
  auto key = lake::LoadWriteKey(parts_.key_dir);
  if (!key.ok()) {
    if (!absl::IsNotFound(key.status())) spdlog::warn("lake service: {}", key.status().ToString());
    return ErrorReply(403, "AccessDenied", key.status().message());
  }
  auto verified = sigv4::Verify(request, *key, std::chrono::system_clock::now());
  if (!verified.ok()) return VerifierReply(verified.status());
  auto put = std::make_unique<PendingPut>();
  put->object = object;
  put->verified = std::move(*verified);
  put->key = std::move(*key);
  put->user = std::string(user);
  if (object.kind == ObjectKind::kArtifact) {
    auto made = parts_.artifacts->NewTemp(object.lake_hash);
    if (!made.ok()) return ErrorReply(500, "InternalError", made.status().message());
    put->temp = std::move(*made);
  } else {
    put->temp = fs::OwnedFile(parts_.revisions->NewTempPath());
  }
  auto sink = BodySink::Open(put->temp.path(), parts_.max_body_bytes);
  if (!sink.ok()) return ErrorReply(500, "InternalError", sink.status().message());
  put->sink.emplace(std::move(*sink));
  return put;
}

void LakeService::Append(PendingPut& put, std::string_view data) {
  if (!put.body_error.ok()) return;
  put.body_error = put.sink->Append(data);
}

Reply LakeService::FinishPut(PendingPut& put) {
  auto sha = put.sink->Finish();
  Reply refused;
  if (!put.body_error.ok()) {
    refused = absl::IsResourceExhausted(put.body_error) ? ErrorReply(413, "EntityTooLarge", put.body_error.message())
                                                        : ErrorReply(500, "InternalError", put.body_error.message());
  } else if (!sha.ok()) {
    refused = ErrorReply(500, "InternalError", sha.status().message());
  } else if (!put.verified.body_sha256.empty() && *sha != put.verified.body_sha256) {
    refused = ErrorReply(400, "XAmzContentSHA256Mismatch",
                         "the body's SHA-256 is not the x-amz-content-sha256 the request was signed with");
  }
  if (refused.status != 200) return refused;  // put.temp removes the body
  return put.object.kind == ObjectKind::kArtifact ? FinishArtifact(put) : FinishRevision(put);
}

Reply LakeService::FinishArtifact(PendingPut& put) {
  const ObjectPath& object = put.object;
  auto adopted = parts_.artifacts->Adopt(object.lake_hash, "art", put.sink->path(), put.user, "lake-service put");
  put.temp.Release();  // Adopt consumed it in every case
  if (!adopted.ok()) {
    if (absl::IsDataLoss(adopted.status())) {
      return ErrorReply(400, "BadDigest", absl::StrCat("the body does not hash to its name ", object.FileName(), ": ",
                                                       adopted.status().message(), "; not stored"));
    }
    return ErrorReply(500, "InternalError", adopted.status().message());
  }
  if (parts_.config.writes == WriteMode::kThrough) {
    std::string url = absl::StrCat(parts_.config.upload.artifact, "/", object.Suffix());
    absl::Status st = PutUpstream(*parts_.transport, UpstreamSession(parts_.net_config), url, adopted->path, put.key, kArtifactType);
    if (!st.ok()) return ErrorReply(502, "UpstreamFailed", st.message());
  }
  return OkReply();
}

Reply LakeService::FinishRevision(PendingPut& put) {
  const std::filesystem::path temp = put.sink->path();
  if (parts_.config.writes == WriteMode::kThrough) {
    std::string url = absl::StrCat(parts_.config.upload.revision, "/", put.object.Suffix());
    absl::Status st = PutUpstream(*parts_.transport, UpstreamSession(parts_.net_config), url, temp, put.key, kRevisionType);
    if (!st.ok()) return ErrorReply(502, "UpstreamFailed", st.message());
  }
  put.temp.Release();  // Commit consumes it in every case
  if (auto st = parts_.revisions->Commit(put.object, temp); !st.ok()) {
    return ErrorReply(500, "InternalError", st.message());
  }
  return OkReply();
}

}  // namespace leancache::lakesvc
