#include "daemon/lake/lake_upload.h"

#include "absl/strings/str_cat.h"
#include "common/lake/remote_urls.h"
#include "daemon/transfer/redact.h"

namespace leancache::lake {

absl::StatusOr<transfer::Auth> LakeKeyAuth(const std::string& key) {
  size_t colon = key.find(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError("LAKE_CACHE_KEY must have the form <access_key>:<secret>");
  }
  transfer::AwsSigV4 sig;
  sig.provider = "aws:amz:auto:s3";
  sig.access_key_id = key.substr(0, colon);
  sig.secret_access_key = key.substr(colon + 1);
  transfer::Auth auth;
  auth.sigv4 = sig;
  return auth;
}

std::vector<std::string> UploadArtifacts(transfer::Transport& transport, const transfer::Auth& auth,
                                         const std::shared_ptr<transfer::Session>& session,
                                         const std::vector<UploadFile>& files) {
  std::vector<transfer::PendingTransfer> pending;
  pending.reserve(files.size());
  for (const auto& f : files) {
    transfer::PutRequest put;
    put.url = f.url;
    put.source_path = f.path.string();
    put.headers = {absl::StrCat("Content-Type: ", std::string(kArtifactContentType))};
    put.auth = auth;
    put.session = session;
    pending.push_back(transport.StartPut(std::move(put)));
  }
  std::vector<std::string> errors;
  for (size_t i = 0; i < pending.size(); ++i) {
    transfer::Result r = pending[i].result.get();
    bool ok = r.verdict == transfer::Verdict::kDelivered && (r.http_status == 200 || r.http_status == 201);
    if (!ok) {
      errors.push_back(absl::StrCat(files[i].label, ": failed to upload artifact, error ", r.http_status,
                                    r.error.empty() ? "" : absl::StrCat(" (", r.error, ")"), " (",
                                    transfer::RedactUrl(files[i].url), ")"));
    }
  }
  return errors;
}

absl::Status UploadMappings(transfer::Transport& transport, const transfer::Auth& auth,
                            const std::shared_ptr<transfer::Session>& session,
                            const std::filesystem::path& file, const std::string& url) {
  transfer::PutRequest put;
  put.url = url;
  put.source_path = file.string();
  put.headers = {absl::StrCat("Content-Type: ", std::string(kOutputsContentType))};
  put.auth = auth;
  put.session = session;
  transfer::Result r = transport.StartPut(std::move(put)).result.get();
  if (r.http_status != 200) {
    return absl::UnavailableError(absl::StrCat("failed to upload mappings, error ", r.http_status,
                                               r.error.empty() ? "" : absl::StrCat(" (", r.error, ")"), " (",
                                               transfer::RedactUrl(url), ")"));
  }
  return absl::OkStatus();
}

}  // namespace leancache::lake
