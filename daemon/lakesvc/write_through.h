#pragma once
// Write-through of an accepted PUT to the upload service, signed with the user's registered key
// (SigV4 "aws:amz:auto:s3", like Lake; the body's SHA-256 as x-amz-content-sha256), on the
// daemon's transport (proxies, retries).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/sigv4/verifier.h"
#include "daemon/transfer/session.h"
#include "daemon/transfer/transport.h"

namespace leancache::lakesvc {

// PUTs `file` to `url` as `content_type` through `session` (upstream_session.h; null: direct)
// and waits. Errors: Unavailable naming the (redacted)
// URL and the upstream status when it did not answer 200/201/204; never contains the key.
absl::Status PutUpstream(transfer::Transport& transport, std::shared_ptr<transfer::Session> session,
                         const std::string& url, const std::filesystem::path& file,
                         const sigv4::Credential& key, std::string_view content_type);

}  // namespace leancache::lakesvc
