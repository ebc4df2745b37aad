#pragma once
// The values that go into and come out of the HTTP transport: one GET or PUT request, its
// authentication, and the verdict. Plain data, no libcurl types (spec mathlib-cache.md §5.2/§5.3
// verdicts, §7 uploads).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace leancache::transfer {

struct Session;

// Identifies one submitted transfer (for Cancel). 0 is never a valid id.
using TransferId = std::uint64_t;

// What happened to a transfer.
enum class Verdict {
  kDelivered,       // GET: 200/201, complete body, curl OK -> temp file holds the body, fsynced.
                    // PUT: 200/201/204 -> the server stored the body.
  kMiss,            // GET: 404 (and 403 when GetRequest::forbidden_is_miss). Temp file removed.
  kAlreadyPresent,  // PUT: 409/412 and PutRequest::conflict_is_already_present.
  kFailed,          // anything else after the retries; Result::error says why. Temp file removed.
  kCancelled,       // Cancel()/CancelAll()/shutdown. Temp file removed.
};

// Human-readable verdict name ("delivered", "miss", ...).
const char* VerdictName(Verdict verdict);

// AWS Signature V4 for S3-compatible stores (curl --aws-sigv4 + --user). The payload hash header
// `x-amz-content-sha256` is always sent: the hex SHA-256 of the body, or UNSIGNED-PAYLOAD.
struct AwsSigV4 {
  // CURLOPT_AWS_SIGV4 "provider1:provider2:region:service".
  std::string provider = "aws:amz:auto:s3";
  std::string access_key_id;
  std::string secret_access_key;  // secret
  std::string session_token;      // secret; sent as x-amz-security-token when non-empty
  bool unsigned_payload = false;  // true: x-amz-content-sha256: UNSIGNED-PAYLOAD
};

// Authentication for one request. Every string here is a secret: it is never logged, never put
// in an error message, and scrubbed from curl's own error text.
struct Auth {
  std::string bearer_token;        // Authorization: Bearer (CURLOPT_XOAUTH2_BEARER)
  std::optional<AwsSigV4> sigv4;   // mutually exclusive with bearer_token
};

// Progress of one transfer: bytes moved so far in the current attempt, and the expected total
// (0 when unknown). Called on the network thread, at most once per progress interval.
using ProgressFn = std::function<void(std::uint64_t bytes_now, std::uint64_t bytes_total)>;

// Download `url` into `temp_path`. The file is created (truncated if present) by the transport,
// rewritten from scratch on each retry, fsynced on kDelivered and deleted on every other verdict.
// The caller owns the name (e.g. a temp name inside CACHEDIR) and renames it after kDelivered.
// [bounded cache] GetRequest::reserve's answer.
enum class Room {
  kGranted,  // the file may grow to `total`
  kNotYet,   // not now: other archives hold the room; ask again later
  kNever,    // `total` is more than the cache may ever hold
};

struct GetRequest {
  std::string url;                   // may carry a SAS query string: it is never logged
  std::string temp_path;
  bool forbidden_is_miss = false;    // 403 counts as a miss (Mathlib's legacy container rule)
  std::vector<std::string> headers;  // extra "Name: value" lines
  // Set: the request is a POST carrying this body (give its Content-Type in `headers`), for an
  // idempotent lookup such as Reservoir's batch URL query. Its reply is handled exactly like a
  // GET's (200/201 body into temp_path, 404 a miss, retries); a 301-303 redirect continues as a
  // GET, a 307/308 as the same POST (libcurl's rules).
  std::optional<std::string> post_body;
  Auth auth;
  ProgressFn progress;
  // [bounded cache] Asked on the network thread before body bytes are written to temp_path,
  // whenever the file would outgrow what was granted so far: `total` is the size it will reach
  // (the Content-Length when the server sent one, else the bytes so far plus this chunk).
  // Anything but kGranted stops the attempt (Result::refused_room). After kNotYet the transport
  // asks again every half second for up to `room_wait` from the first refusal (room frees up as
  // other archives finish unpacking), without counting those attempts against the retry limit;
  // kNever, or no room within room_wait, fails the transfer. Null: never asked.
  std::function<Room(std::uint64_t total)> reserve;
  std::chrono::milliseconds room_wait{0};
  // The request this transfer belongs to: its proxy/CA settings, circuit breaker and time
  // budget (session.h). Null: direct, default CAs, no breaker, no budget.
  std::shared_ptr<Session> session;
};

// Upload the file `source_path` to `url` with HTTP PUT.
struct PutRequest {
  std::string url;
  std::string source_path;
  std::vector<std::string> headers;          // e.g. "x-ms-blob-type: BlockBlob"
  bool if_none_match = false;                // send "If-None-Match: *" (refuse overwrites)
  bool conflict_is_already_present = false;  // 409/412 -> kAlreadyPresent instead of kFailed
  Auth auth;
  ProgressFn progress;
  std::shared_ptr<Session> session;  // as GetRequest::session
};

// The outcome of one transfer, after all its attempts.
struct Result {
  Verdict verdict = Verdict::kFailed;
  long http_status = 0;         // last HTTP status seen (0: no response)
  int curl_code = 0;            // last CURLcode (0: CURLE_OK)
  int attempts = 0;             // attempts made (1 = no retry)
  std::uint64_t bytes = 0;      // body bytes received (GET) or sent (PUT) in the last attempt
  std::int64_t content_length = -1;  // Content-Length of the last response, -1 if absent
  long connects = 0;            // new connections opened over all attempts (0 = reused)
  double seconds = 0;           // wall time from first start to completion
  std::string http_version;     // "1.1", "2", ... of the last response
  std::string error;            // empty unless kFailed/kCancelled; no secrets, no query strings
  bool refused_room = false;    // the last attempt stopped because GetRequest::reserve said no
  // kFailed because the session's breaker is open for the host or proxy (or its time budget ran
  // out): Session::breaker holds the one failure that explains all such transfers.
  bool unreachable = false;

  bool ok() const { return verdict == Verdict::kDelivered; }
};

// Completion callback. Invoked exactly once per submitted transfer, on a transport-owned thread:
// a file-sync worker for a delivered GET, the network thread otherwise (or, if the transport is
// already shut down, on the submitting thread). See transport.h for what it may do.
using CompletionFn = std::function<void(const Result&)>;

}  // namespace leancache::transfer
