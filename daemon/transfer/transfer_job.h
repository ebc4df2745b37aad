#pragma once
// One GET or PUT as the transport thread drives it: the libcurl easy handle of the current
// attempt, the file it streams to or from, and the classification of each attempt's outcome.
// Internal to the transport. Methods run on the network thread, except Finish() for a delivered
// GET, which a file-sync worker calls after the network thread has let go of the job.

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "daemon/transfer/reach_failure.h"
#include "daemon/transfer/redact.h"
#include "daemon/transfer/request.h"
#include "daemon/transfer/session.h"
#include "daemon/transfer/transport_options.h"

namespace leancache::transfer {

class TransferJob {
 public:
  // What the transport should do after an attempt ended.
  struct AttemptOutcome {
    bool final = true;           // false: transient failure, retry if attempts remain
    long retry_after_seconds = 0;  // server's Retry-After, 0 if none
    bool room_refused = false;   // [bounded cache] no room under the cache size cap (yet)
  };

  // `payload_sha256` is the hex SHA-256 of the PUT body, computed by the submitter when SigV4
  // signs the payload (empty otherwise).
  TransferJob(TransferId id, GetRequest request, CompletionFn done);
  TransferJob(TransferId id, PutRequest request, std::string payload_sha256, CompletionFn done);
  ~TransferJob();  // closes the file; removes the GET temp file unless it was delivered
  TransferJob(const TransferJob&) = delete;
  TransferJob& operator=(const TransferJob&) = delete;

  TransferId id() const { return id_; }
  bool is_get() const { return is_get_; }
  const std::string& url() const { return url_; }
  int attempts() const { return result_.attempts; }
  // [bounded cache] Attempts that stopped for lack of room under the cache size cap: they do
  // not count against the retry limit while MayWaitForRoom().
  int room_refusals() const { return room_refusals_; }
  // Whether the job may try again for room: less than GetRequest::room_wait has passed since
  // its first refusal.
  bool MayWaitForRoom(std::chrono::steady_clock::time_point now) const;
  CURL* easy() const { return easy_; }
  // The request's session (null when the submitter gave none) and this transfer's route.
  Session* session() const { return session_.get(); }
  const Route& route() const { return route_; }
  // Whether the last attempt reached the host (an HTTP answer other than a proxy's 407), and
  // if not, whether it failed to reach it (ReachCause::kNone otherwise).
  bool answered() const { return answered_; }
  ReachCause reach_cause() const { return reach_cause_; }
  // The failure of the last attempt for the breaker: route, cause and curl's scrubbed words.
  HostFailure ReachFailure() const;

  // Ends the transfer as unreachable because of `why` (the breaker is open for its route, or the
  // session's time budget ran out): the next Finish reports kFailed with Result::unreachable.
  void FailUnreachable(const HostFailure& why);

  // Opens the file (first attempt) and configures a fresh easy handle for the next attempt.
  // Errors (file cannot be opened, curl refuses an option) are final: FailedPrecondition /
  // Internal naming the file or option.
  absl::Status BeginAttempt(const TransportOptions& options);

  // Records what curl reported for the attempt that just ended and classifies it. The easy
  // handle must already be removed from the multi handle.
  AttemptOutcome EndAttempt(CURLcode code);

  // Releases the file while the job waits out a retry backoff (closes the descriptor; a GET's
  // partial temp file is removed), so many backing-off jobs do not pile up open descriptors.
  // The next BeginAttempt reopens it.
  void Park();

  // Ends the transfer with the verdict of the last attempt (or `cancelled`): fsyncs and closes a
  // delivered GET file, removes it otherwise, fills the error text. Returns the result; call
  // once, then invoke done() with it.
  Result Finish(bool cancelled, const std::string& cancel_reason);
  const CompletionFn& done() const { return done_; }

  // The failure text of the last attempt, as Finish() would report it (for retry logs).
  std::string DescribeFailure() const { return FailureText(); }

  // Whether the last attempt delivered a GET body (Finish will fsync it).
  bool delivered_body() const { return is_get_ && verdict_ == Verdict::kDelivered; }

  // Bytes received/sent by the last attempt (for statistics).
  std::uint64_t last_bytes() const { return result_.bytes; }
  long last_connects() const { return last_connects_; }

 private:
  static size_t WriteBody(char* data, size_t size, size_t n, void* self);
  static size_t ReadBody(char* data, size_t size, size_t n, void* self);
  static int SeekBody(void* self, curl_off_t offset, int origin);
  static int Progress(void* self, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                      curl_off_t ulnow);

  void InitRoute();
  absl::Status OpenFile();
  absl::Status Configure(const TransportOptions& options);
  void ConfigureNetwork(const TransportOptions& options, absl::Status& status);
  void SetFailure(std::string detail);
  std::string FailureText() const;

  TransferId id_;
  bool is_get_;
  GetRequest get_;
  PutRequest put_;
  std::string payload_sha256_;
  CompletionFn done_;
  std::string url_;
  Redactor redactor_;
  std::shared_ptr<Session> session_;
  Route route_;
  bool answered_ = false;
  ReachCause reach_cause_ = ReachCause::kNone;

  int fd_ = -1;
  std::uint64_t put_size_ = 0;
  std::uint64_t offset_ = 0;       // PUT read position within the current attempt
  bool file_created_ = false;      // GET temp file exists on disk
  bool delivered_ = false;

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  bool body_accepted_ = false;     // GET: the current response's body goes to the file
  bool body_checked_ = false;      // GET: status of the current response was inspected
  int write_errno_ = 0;
  Room room_answer_ = Room::kGranted;  // [bounded cache] GetRequest::reserve's last refusal
  std::uint64_t room_granted_ = 0;   // [bounded cache] largest total reserve() accepted
  std::uint64_t room_total_ = 0;     // [bounded cache] the size that was refused
  int room_refusals_ = 0;            // [bounded cache] attempts that ended for lack of room
  std::chrono::steady_clock::time_point first_room_refusal_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::milliseconds progress_interval_{100};

  Result result_;
  Verdict verdict_ = Verdict::kFailed;  // verdict of the last attempt
  std::string detail_;                  // why the last attempt failed (no secrets)
  long last_connects_ = 0;
};

}  // namespace leancache::transfer
