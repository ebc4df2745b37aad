#include "daemon/transfer/transfer_job.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/sigv4/digest.h"
#include "daemon/transfer/http_verdict.h"
#include "daemon/transfer/retry_policy.h"

namespace leancache::transfer {
namespace {

// SHA-256 of the empty string: the payload hash of a signed GET.
constexpr char kEmptySha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string ErrnoText(int err) { return std::strerror(err); }

// Sets an easy option and remembers the first failure.
template <typename T>
void Set(CURL* easy, CURLoption option, T value, const char* name, absl::Status& status) {
  CURLcode rc = curl_easy_setopt(easy, option, value);
  if (rc != CURLE_OK && status.ok()) {
    status = absl::InternalError(
        absl::StrCat("libcurl refused option ", name, ": ", curl_easy_strerror(rc)));
  }
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kDelivered: return "delivered";
    case Verdict::kMiss: return "miss";
    case Verdict::kAlreadyPresent: return "already present";
    case Verdict::kFailed: return "failed";
    case Verdict::kCancelled: return "cancelled";
  }
  return "unknown";
}

TransferJob::TransferJob(TransferId id, GetRequest request, CompletionFn done)
    : id_(id), is_get_(true), get_(std::move(request)), done_(std::move(done)) {
  url_ = get_.url;
  session_ = get_.session;
  InitRoute();
  redactor_.AddUrl(url_);
  redactor_.Add(get_.auth.bearer_token);
  if (get_.auth.sigv4) {
    redactor_.Add(get_.auth.sigv4->secret_access_key);
    redactor_.Add(get_.auth.sigv4->session_token);
  }
}

TransferJob::TransferJob(TransferId id, PutRequest request, std::string payload_sha256,
                         CompletionFn done)
    : id_(id),
      is_get_(false),
      put_(std::move(request)),
      payload_sha256_(std::move(payload_sha256)),
      done_(std::move(done)) {
  url_ = put_.url;
  session_ = put_.session;
  InitRoute();
  redactor_.AddUrl(url_);
  redactor_.Add(put_.auth.bearer_token);
  if (put_.auth.sigv4) {
    redactor_.Add(put_.auth.sigv4->secret_access_key);
    redactor_.Add(put_.auth.sigv4->session_token);
  }
}

void TransferJob::InitRoute() {
  route_ = RouteFor(url_, session_ ? session_->net : NetSettings{});
  if (!route_.proxy.empty()) redactor_.AddUrl(route_.proxy);  // proxy credentials
}

TransferJob::~TransferJob() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  if (headers_ != nullptr) curl_slist_free_all(headers_);
  if (fd_ >= 0) ::close(fd_);
  if (is_get_ && file_created_ && !delivered_) ::unlink(get_.temp_path.c_str());
}

absl::Status TransferJob::OpenFile() {
  if (is_get_) {
    if (get_.temp_path.empty()) {
      return absl::InvalidArgumentError("GET request has no temp_path for the body");
    }
    fd_ = ::open(get_.temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      int err = errno;
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create temp file ", get_.temp_path, ": ", ErrnoText(err)));
    }
    file_created_ = true;
    return absl::OkStatus();
  }
  fd_ = ::open(put_.source_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    int err = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open upload source ", put_.source_path, ": ", ErrnoText(err)));
  }
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("upload source ", put_.source_path, " is not a regular file"));
  }
  put_size_ = static_cast<std::uint64_t>(st.st_size);
  return absl::OkStatus();
}

bool TransferJob::MayWaitForRoom(std::chrono::steady_clock::time_point now) const {
  return is_get_ && room_refusals_ > 0 && now - first_room_refusal_ < get_.room_wait;
}

void TransferJob::Park() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (is_get_ && file_created_) {
    ::unlink(get_.temp_path.c_str());
    file_created_ = false;
  }
}

absl::Status TransferJob::BeginAttempt(const TransportOptions& options) {
  if (result_.attempts == 0) started_ = std::chrono::steady_clock::now();
  if (fd_ < 0) {
    // First attempt, or a retry after Park(): a GET body starts from scratch (O_TRUNC).
    if (absl::Status s = OpenFile(); !s.ok()) {
      SetFailure(std::string(s.message()));
      return s;
    }
  } else if (is_get_) {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
      int err = errno;
      std::string msg = absl::StrCat("cannot truncate temp file ", get_.temp_path, ": ",
                                     ErrnoText(err));
      SetFailure(msg);
      return absl::FailedPreconditionError(msg);
    }
  }
  ++result_.attempts;
  result_.bytes = 0;
  result_.http_status = 0;
  result_.curl_code = 0;
  result_.content_length = -1;
  offset_ = 0;
  body_accepted_ = false;
  body_checked_ = false;
  write_errno_ = 0;
  room_answer_ = Room::kGranted;
  result_.refused_room = false;
  error_buffer_[0] = '\0';
  detail_.clear();
  progress_interval_ = options.progress_interval;
  last_progress_ = std::chrono::steady_clock::time_point{};
  if (absl::Status s = Configure(options); !s.ok()) {
    SetFailure(std::string(s.message()));
    return s;
  }
  return absl::OkStatus();
}

absl::Status TransferJob::Configure(const TransportOptions& options) {
  if (easy_ == nullptr) {
    easy_ = curl_easy_init();
    if (easy_ == nullptr) return absl::InternalError("curl_easy_init failed");
  } else {
    curl_easy_reset(easy_);
  }
  if (headers_ != nullptr) {
    curl_slist_free_all(headers_);
    headers_ = nullptr;
  }
  absl::Status st;
  CURL* e = easy_;
  Set(e, CURLOPT_URL, url_.c_str(), "URL", st);
  Set(e, CURLOPT_PRIVATE, static_cast<void*>(this), "PRIVATE", st);
  Set(e, CURLOPT_ERRORBUFFER, error_buffer_, "ERRORBUFFER", st);
  Set(e, CURLOPT_NOSIGNAL, 1L, "NOSIGNAL", st);
  Set(e, CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR", st);
  Set(e, CURLOPT_USERAGENT, options.user_agent.c_str(), "USERAGENT", st);
  Set(e, CURLOPT_TCP_KEEPALIVE, 1L, "TCP_KEEPALIVE", st);
  if (options.http2) {
    Set(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS), "HTTP_VERSION", st);
    Set(e, CURLOPT_PIPEWAIT, 1L, "PIPEWAIT", st);
  } else {
    Set(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1), "HTTP_VERSION", st);
  }
  Set(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()),
      "CONNECTTIMEOUT_MS", st);
  Set(e, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit, "LOW_SPEED_LIMIT", st);
  Set(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()),
      "LOW_SPEED_TIME", st);
  ConfigureNetwork(options, st);

  const Auth& auth = is_get_ ? get_.auth : put_.auth;
  const ProgressFn& progress = is_get_ ? get_.progress : put_.progress;
  for (const std::string& h : is_get_ ? get_.headers : put_.headers) {
    headers_ = curl_slist_append(headers_, h.c_str());
  }
  if (!auth.bearer_token.empty()) {
    Set(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER), "HTTPAUTH", st);
    Set(e, CURLOPT_XOAUTH2_BEARER, auth.bearer_token.c_str(), "XOAUTH2_BEARER", st);
  } else if (auth.sigv4) {
    const AwsSigV4& v4 = *auth.sigv4;
    Set(e, CURLOPT_AWS_SIGV4, v4.provider.c_str(), "AWS_SIGV4", st);
    Set(e, CURLOPT_USERNAME, v4.access_key_id.c_str(), "USERNAME", st);
    Set(e, CURLOPT_PASSWORD, v4.secret_access_key.c_str(), "PASSWORD", st);
    // libcurl 7.88 does not add the payload hash header itself; S3 and R2 require it.
    std::string hash = v4.unsigned_payload ? "UNSIGNED-PAYLOAD"
                       : !is_get_          ? payload_sha256_
                       : get_.post_body    ? sigv4::Sha256Hex(*get_.post_body)
                                           : kEmptySha256;
    headers_ = curl_slist_append(headers_, ("x-amz-content-sha256: " + hash).c_str());
    if (!v4.session_token.empty()) {
      headers_ = curl_slist_append(headers_, ("x-amz-security-token: " + v4.session_token).c_str());
    }
  }
  if (is_get_) {
    // Custom auth headers (x-amz-security-token) would follow a redirect to another host, so a
    // SigV4-signed GET does not follow redirects; curl itself never forwards bearer/SigV4 auth.
    Set(e, CURLOPT_FOLLOWLOCATION, auth.sigv4 ? 0L : 1L, "FOLLOWLOCATION", st);
    Set(e, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects), "MAXREDIRS", st);
    Set(e, CURLOPT_REDIR_PROTOCOLS_STR, options.allow_http_redirects ? "http,https" : "https",
        "REDIR_PROTOCOLS_STR", st);
    Set(e, CURLOPT_WRITEFUNCTION, &TransferJob::WriteBody, "WRITEFUNCTION", st);
    Set(e, CURLOPT_WRITEDATA, static_cast<void*>(this), "WRITEDATA", st);
    if (get_.post_body) {  // the job owns the body for as long as the handle lives
      Set(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(get_.post_body->size()),
          "POSTFIELDSIZE_LARGE", st);
      Set(e, CURLOPT_POSTFIELDS, get_.post_body->data(), "POSTFIELDS", st);
    }
  } else {
    if (put_.if_none_match) headers_ = curl_slist_append(headers_, "If-None-Match: *");
    Set(e, CURLOPT_UPLOAD, 1L, "UPLOAD", st);
    Set(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(put_size_), "INFILESIZE_LARGE", st);
    Set(e, CURLOPT_READFUNCTION, &TransferJob::ReadBody, "READFUNCTION", st);
    Set(e, CURLOPT_READDATA, static_cast<void*>(this), "READDATA", st);
    Set(e, CURLOPT_SEEKFUNCTION, &TransferJob::SeekBody, "SEEKFUNCTION", st);
    Set(e, CURLOPT_SEEKDATA, static_cast<void*>(this), "SEEKDATA", st);
    // The reply body (an error document, usually) is not kept.
    Set(e, CURLOPT_WRITEFUNCTION, &TransferJob::WriteBody, "WRITEFUNCTION", st);
    Set(e, CURLOPT_WRITEDATA, static_cast<void*>(this), "WRITEDATA", st);
  }
  if (headers_ != nullptr) Set(e, CURLOPT_HTTPHEADER, headers_, "HTTPHEADER", st);
  if (progress) {
    Set(e, CURLOPT_NOPROGRESS, 0L, "NOPROGRESS", st);
    Set(e, CURLOPT_XFERINFOFUNCTION, &TransferJob::Progress, "XFERINFOFUNCTION", st);
    Set(e, CURLOPT_XFERINFODATA, static_cast<void*>(this), "XFERINFODATA", st);
  }
  return st;
}

// Proxy, CA and time limits of one attempt. They come from the request's session and the
// daemon's options, never from the daemon's environment: CURLOPT_PROXY and CURLOPT_NOPROXY are
// always set ("" = none), which stops libcurl from reading http_proxy & co. itself.
void TransferJob::ConfigureNetwork(const TransportOptions& options, absl::Status& st) {
  CURL* e = easy_;
  const NetSettings* net = session_ ? &session_->net : nullptr;
  Set(e, CURLOPT_PROXY, route_.proxy.c_str(), "PROXY", st);
  Set(e, CURLOPT_NOPROXY, net != nullptr ? net->no_proxy.c_str() : "", "NOPROXY", st);
  const std::string& ca_file = net != nullptr && !net->ca_file.empty() ? net->ca_file : options.ca_file;
  if (!ca_file.empty()) {
    Set(e, CURLOPT_CAINFO, ca_file.c_str(), "CAINFO", st);
    Set(e, CURLOPT_PROXY_CAINFO, ca_file.c_str(), "PROXY_CAINFO", st);
  }
  if (net != nullptr && !net->ca_path.empty()) {
    Set(e, CURLOPT_CAPATH, net->ca_path.c_str(), "CAPATH", st);
    Set(e, CURLOPT_PROXY_CAPATH, net->ca_path.c_str(), "PROXY_CAPATH", st);
  }
  // One attempt ends by the attempt timeout or the session's deadline, whichever comes first.
  long timeout_ms = static_cast<long>(options.attempt_timeout.count());
  if (session_ && session_->deadline != Session::Clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(session_->deadline -
                                                                      Session::Clock::now());
    long left_ms = std::max(1L, static_cast<long>(left.count()));
    timeout_ms = timeout_ms > 0 ? std::min(timeout_ms, left_ms) : left_ms;
  }
  if (timeout_ms > 0) Set(e, CURLOPT_TIMEOUT_MS, timeout_ms, "TIMEOUT_MS", st);
}

size_t TransferJob::WriteBody(char* data, size_t size, size_t n, void* self_ptr) {
  auto* self = static_cast<TransferJob*>(self_ptr);
  size_t len = size * n;
  if (!self->is_get_) return len;  // PUT reply body: discarded
  if (!self->body_checked_) {
    long status = 0;
    curl_easy_getinfo(self->easy_, CURLINFO_RESPONSE_CODE, &status);
    self->body_accepted_ = status == 200 || status == 201;
    self->body_checked_ = true;
  }
  if (!self->body_accepted_) return len;  // error document of a 404/500/...: not stored
  if (self->get_.reserve) {  // [bounded cache] room under the cache size cap before the bytes land
    std::uint64_t total = self->result_.bytes + len;
    if (total > self->room_granted_) {
      curl_off_t content_length = -1;
      curl_easy_getinfo(self->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
      if (content_length > 0 && static_cast<std::uint64_t>(content_length) > total) {
        total = static_cast<std::uint64_t>(content_length);
      }
      Room answer = self->get_.reserve(total);
      if (answer != Room::kGranted) {
        self->room_answer_ = answer;
        self->room_total_ = total;
        return 0;  // makes curl fail with CURLE_WRITE_ERROR
      }
      self->room_granted_ = total;
    }
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = ::write(self->fd_, data + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      self->write_errno_ = errno;
      return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    done += static_cast<size_t>(w);
  }
  self->result_.bytes += len;
  return len;
}

size_t TransferJob::ReadBody(char* data, size_t size, size_t n, void* self_ptr) {
  auto* self = static_cast<TransferJob*>(self_ptr);
  for (;;) {
    ssize_t r = ::pread(self->fd_, data, size * n, static_cast<off_t>(self->offset_));
    if (r < 0) {
      if (errno == EINTR) continue;
      self->write_errno_ = errno;
      return CURL_READFUNC_ABORT;
    }
    self->offset_ += static_cast<std::uint64_t>(r);
    self->result_.bytes = self->offset_;
    return static_cast<size_t>(r);
  }
}

int TransferJob::SeekBody(void* self_ptr, curl_off_t offset, int origin) {
  auto* self = static_cast<TransferJob*>(self_ptr);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  self->offset_ = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int TransferJob::Progress(void* self_ptr, curl_off_t dltotal, curl_off_t dlnow,
                          curl_off_t ultotal, curl_off_t ulnow) {
  auto* self = static_cast<TransferJob*>(self_ptr);
  auto now = std::chrono::steady_clock::now();
  if (now - self->last_progress_ < self->progress_interval_) return 0;
  self->last_progress_ = now;
  curl_off_t cur = self->is_get_ ? dlnow : ulnow;
  curl_off_t total = self->is_get_ ? dltotal : ultotal;
  const ProgressFn& fn = self->is_get_ ? self->get_.progress : self->put_.progress;
  if (fn) fn(static_cast<std::uint64_t>(cur), static_cast<std::uint64_t>(total < 0 ? 0 : total));
  return 0;
}

TransferJob::AttemptOutcome TransferJob::EndAttempt(CURLcode code) {
  AttemptOutcome out;
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t content_length = -1;
  curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
  long connects = 0;
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &connects);
  long version = 0;
  curl_easy_getinfo(easy_, CURLINFO_HTTP_VERSION, &version);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(easy_, CURLINFO_RETRY_AFTER, &retry_after);
  AttemptFacts facts;
  facts.curl_code = static_cast<int>(code);
  facts.http_status = status;
  curl_easy_getinfo(easy_, CURLINFO_HTTP_CONNECTCODE, &facts.connect_status);
  facts.via_proxy = !route_.proxy.empty();
  curl_off_t pretransfer = 0, namelookup = 0;
  curl_easy_getinfo(easy_, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  curl_easy_getinfo(easy_, CURLINFO_NAMELOOKUP_TIME_T, &namelookup);
  facts.request_sent = pretransfer > 0;
  facts.name_resolved = namelookup > 0;
  reach_cause_ = ClassifyReach(facts);
  answered_ = status > 0 && reach_cause_ == ReachCause::kNone;

  result_.http_status = status;
  result_.curl_code = static_cast<int>(code);
  result_.content_length = is_get_ ? static_cast<std::int64_t>(content_length) : -1;
  last_connects_ = connects;
  result_.connects += connects;
  switch (version) {
    case CURL_HTTP_VERSION_1_0: result_.http_version = "1.0"; break;
    case CURL_HTTP_VERSION_1_1: result_.http_version = "1.1"; break;
    case CURL_HTTP_VERSION_2_0: result_.http_version = "2"; break;
    case CURL_HTTP_VERSION_3: result_.http_version = "3"; break;
    default: result_.http_version.clear();
  }
  out.retry_after_seconds = static_cast<long>(retry_after);

  if (is_get_) {
    if (IsMissStatus(status, get_.forbidden_is_miss)) {
      verdict_ = Verdict::kMiss;  // a definite answer, whatever happened to the error body
      return out;
    }
    if (code == CURLE_OK && IsDeliveredStatus(status, /*is_upload=*/false)) {
      if (content_length >= 0 && static_cast<curl_off_t>(result_.bytes) != content_length) {
        verdict_ = Verdict::kFailed;
        SetFailure(absl::StrCat("body has ", result_.bytes, " bytes but Content-Length is ",
                                content_length));
        out.final = false;
        return out;
      }
      verdict_ = Verdict::kDelivered;
      return out;
    }
  } else {
    if (IsAlreadyPresentStatus(status) && put_.conflict_is_already_present) {
      verdict_ = Verdict::kAlreadyPresent;
      return out;
    }
    if (code == CURLE_OK && IsDeliveredStatus(status, /*is_upload=*/true)) {
      verdict_ = Verdict::kDelivered;
      return out;
    }
  }

  verdict_ = Verdict::kFailed;
  if (code != CURLE_OK) {
    if (room_answer_ == Room::kNever) {  // [bounded cache] larger than the cap itself
      result_.refused_room = true;
      SetFailure(absl::StrCat("the archive (", room_total_, " bytes) is larger than the cache size cap"));
      return out;
    }
    if (room_answer_ == Room::kNotYet) {  // [bounded cache] the cap is full of pinned archives now
      result_.refused_room = true;
      if (room_refusals_++ == 0) first_room_refusal_ = std::chrono::steady_clock::now();
      SetFailure("no room under the cache size cap for this archive");
      out.final = false;
      out.room_refused = true;
      return out;
    }
    if (write_errno_ != 0) {
      SetFailure(absl::StrCat(is_get_ ? "cannot write " : "cannot read ",
                              is_get_ ? get_.temp_path : put_.source_path, ": ",
                              ErrnoText(write_errno_)));
      return out;  // local I/O trouble: retrying will not help
    }
    // libcurl 7.88 may fail a transfer that picked up a proxy connection left behind by a
    // refused CONNECT with CURLE_FAILED_INIT ("no filter connected"): worth one more attempt
    // (which the breaker fails at once when the proxy did refuse us).
    out.final = !IsRetryableCurlCode(code) && !(code == CURLE_FAILED_INIT && facts.via_proxy);
  } else {
    out.final = !IsRetryableHttpStatus(status);
  }
  return out;
}

void TransferJob::SetFailure(std::string detail) { detail_ = std::move(detail); }

HostFailure TransferJob::ReachFailure() const {
  HostFailure f;
  f.host = route_.host;
  f.proxy = route_.proxy_display;
  f.cause = reach_cause_;
  f.detail = redactor_.Scrub(error_buffer_[0] != '\0'
                                 ? std::string(error_buffer_)
                                 : std::string(curl_easy_strerror(static_cast<CURLcode>(result_.curl_code))));
  return f;
}

void TransferJob::FailUnreachable(const HostFailure& why) {
  verdict_ = Verdict::kFailed;
  result_.unreachable = true;
  std::string where = why.proxy.empty() ? why.host : absl::StrCat(why.host, " via proxy ", why.proxy);
  SetFailure(absl::StrCat("cannot reach ", where, ": ", ReachCauseText(why.cause)));
}

std::string TransferJob::FailureText() const {
  std::string curl_part;
  if (result_.curl_code == CURLE_OK) {
    curl_part = "none";
  } else {
    curl_part = absl::StrCat(result_.curl_code, " ",
                             error_buffer_[0] != '\0'
                                 ? std::string(error_buffer_)
                                 : std::string(curl_easy_strerror(
                                       static_cast<CURLcode>(result_.curl_code))));
  }
  std::string http_part = result_.http_status > 0 ? absl::StrCat("HTTP ", result_.http_status)
                                                  : std::string("no HTTP status");
  std::string text = absl::StrCat("Transfer failed (", http_part, " / curl error: ", curl_part,
                                  ") url=", RedactUrl(url_));
  if (!detail_.empty()) absl::StrAppend(&text, ": ", detail_);
  // The expected size is shown only for a body that was meant to be stored (200/201).
  bool body_status = result_.http_status == 200 || result_.http_status == 201;
  std::string total = body_status && result_.content_length >= 0
                          ? absl::StrCat(result_.content_length)
                          : "?";
  absl::StrAppend(&text, " [attempts=", result_.attempts, " bytes=", result_.bytes, "/",
                  is_get_ ? total : absl::StrCat(put_size_), "]");
  return redactor_.Scrub(text);
}

Result TransferJob::Finish(bool cancelled, const std::string& cancel_reason) {
  if (cancelled) verdict_ = Verdict::kCancelled;
  if (is_get_ && verdict_ == Verdict::kDelivered) {
    if (::fsync(fd_) != 0) {
      int err = errno;
      verdict_ = Verdict::kFailed;
      SetFailure(absl::StrCat("cannot fsync temp file ", get_.temp_path, ": ", ErrnoText(err)));
    } else {
      delivered_ = true;
    }
  }
  if (fd_ >= 0) {
    if (::close(fd_) != 0 && delivered_) {
      int err = errno;
      delivered_ = false;
      verdict_ = Verdict::kFailed;
      SetFailure(absl::StrCat("cannot close temp file ", get_.temp_path, ": ", ErrnoText(err)));
    }
    fd_ = -1;
  }
  if (is_get_ && file_created_ && !delivered_) {
    ::unlink(get_.temp_path.c_str());
    file_created_ = false;
  }
  result_.verdict = verdict_;
  result_.seconds = result_.attempts == 0
                        ? 0.0
                        : std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                        started_)
                              .count();
  if (verdict_ == Verdict::kFailed) {
    result_.error = FailureText();
  } else if (verdict_ == Verdict::kCancelled) {
    result_.error = redactor_.Scrub(
        absl::StrCat("Transfer cancelled (", cancel_reason, ") url=", RedactUrl(url_)));
  } else {
    result_.error.clear();
  }
  return result_;
}

}  // namespace leancache::transfer
