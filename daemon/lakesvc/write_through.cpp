#include "daemon/lakesvc/write_through.h"

#include "absl/strings/str_cat.h"
#include "daemon/transfer/redact.h"

namespace leancache::lakesvc {

absl::Status PutUpstream(transfer::Transport& transport, std::shared_ptr<transfer::Session> session,
                         const std::string& url, const std::filesystem::path& file,
                         const sigv4::Credential& key, std::string_view content_type) {
  transfer::PutRequest request;
  request.url = url;
  request.session = std::move(session);
  request.source_path = file.string();
  request.headers.push_back(absl::StrCat("Content-Type: ", std::string(content_type)));
  transfer::AwsSigV4 v4;
  v4.provider = "aws:amz:auto:s3";
  v4.access_key_id = key.access_key;
  v4.secret_access_key = key.secret_key;
  request.auth.sigv4 = v4;
  transfer::Result r = transport.StartPut(std::move(request)).result.get();
  if (r.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("write-through PUT ", transfer::RedactUrl(url), " failed: ",
                                             r.error.empty() ? absl::StrCat("HTTP ", r.http_status) : r.error));
}

}  // namespace leancache::lakesvc
