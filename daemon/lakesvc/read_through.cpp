#include "daemon/lakesvc/read_through.h"

#include "absl/strings/str_cat.h"
#include "daemon/lakesvc/upstream_session.h"
#include "daemon/transfer/redact.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {
namespace {

constexpr char kCorruptPrefix[] = "corrupt upstream body: ";

// A delivered GET turned into kFailed with `error`.
transfer::Result Failed(transfer::Result r, std::string error) {
  r.verdict = transfer::Verdict::kFailed;
  r.error = std::move(error);
  return r;
}

}  // namespace

std::string ReadThrough::UrlOf(const ObjectPath& object) const {
  const std::string& base = object.kind == ObjectKind::kArtifact ? upstream_.artifact : upstream_.revision;
  if (base.empty()) return "";
  return absl::StrCat(base, "/", object.Suffix());
}

transfer::FetchGroup::Finisher ReadThrough::ArtifactFinisher(const ObjectPath& object, const std::string& url,
                                                             const std::filesystem::path& temp) {
  return [this, hash = object.lake_hash, url, temp](transfer::Result r) {
    if (!r.ok()) return r;
    auto adopted = artifacts_->Adopt(hash, "art", temp, "", "lake-service upstream");
    if (adopted.ok()) return r;
    if (adopted.status().code() == absl::StatusCode::kDataLoss) {
      std::string why = absl::StrCat(kCorruptPrefix, transfer::RedactUrl(url), ": ", adopted.status().message(),
                                     "; not stored");
      spdlog::warn("lake service: {}", why);
      return Failed(r, why);
    }
    return Failed(r, absl::StrCat("cannot store ", transfer::RedactUrl(url), ": ", adopted.status().message()));
  };
}

transfer::FetchGroup::Finisher ReadThrough::RevisionFinisher(const ObjectPath& object,
                                                             const std::filesystem::path& temp) {
  return [this, object, temp](transfer::Result r) {
    if (!r.ok()) return r;
    if (auto st = revisions_->Commit(object, temp); !st.ok()) return Failed(r, std::string(st.message()));
    return r;
  };
}

absl::Status ReadThrough::Fetch(const ObjectPath& object) {
  const std::string url = UrlOf(object);
  if (url.empty()) return absl::NotFoundError("no upstream is configured");
  const bool artifact = object.kind == ObjectKind::kArtifact;
  fs::OwnedFile artifact_temp;
  std::filesystem::path temp;
  if (artifact) {
    auto made = artifacts_->NewTemp(object.lake_hash);
    if (!made.ok()) return made.status();
    artifact_temp = std::move(*made);
    temp = artifact_temp.path();
  } else {
    temp = revisions_->NewTempPath();
  }
  transfer::GetRequest request;
  request.url = url;
  request.temp_path = temp.string();
  request.session = UpstreamSession(net_config_);
  auto finish = artifact ? ArtifactFinisher(object, url, temp) : RevisionFinisher(object, temp);
  auto present = [&] { return artifact && artifacts_->Find(object.lake_hash, "art").ok(); };
  bool started = false;
  transfer::Result r = fetches_->Fetch(url, std::move(request), std::move(finish), nullptr, &started, present).get();
  if (started) artifact_temp.Release();  // the transport or Adopt consumed it
  switch (r.verdict) {
    case transfer::Verdict::kDelivered:
    case transfer::Verdict::kAlreadyPresent:
      return absl::OkStatus();
    case transfer::Verdict::kMiss:
      return absl::NotFoundError(absl::StrCat("upstream has no ", object.Suffix(), " (404)"));
    default:
      break;
  }
  if (r.error.rfind(kCorruptPrefix, 0) == 0) return absl::DataLossError(r.error);
  std::string why = r.error.empty() ? absl::StrCat("HTTP ", r.http_status) : r.error;
  return absl::UnavailableError(absl::StrCat("upstream GET ", transfer::RedactUrl(url), " failed: ", why));
}

}  // namespace leancache::lakesvc
