#include "daemon/transfer/transport.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/transfer/file_sha256.h"
#include "daemon/transfer/redact.h"
#include "daemon/transfer/retry_policy.h"
#include "daemon/transfer/session.h"
#include "daemon/transfer/transfer_job.h"

namespace leancache::transfer {
namespace {

using Clock = std::chrono::steady_clock;
// [bounded cache] How soon a download refused room under the cache size cap asks again.
constexpr std::chrono::milliseconds kRoomRetryDelay{500};

absl::Status InitCurlOnce() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_global_init failed: ", curl_easy_strerror(rc)));
  }
  return absl::OkStatus();
}

// Runs a user callback; an escaping exception must not take the transport thread down.
void SafeCall(const CompletionFn& fn, const Result& result) {
  if (!fn) return;
  try {
    fn(result);
  } catch (const std::exception& e) {
    spdlog::error("transfer completion callback threw: {}", e.what());
  } catch (...) {
    spdlog::error("transfer completion callback threw a non-standard exception");
  }
}

Result CancelledAtSubmit(const std::string& url) {
  Result r;
  r.verdict = Verdict::kCancelled;
  r.error = absl::StrCat("Transfer cancelled (transport shut down) url=", RedactUrl(url));
  return r;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> Transport::Create(TransportOptions options) {
  if (options.max_concurrent < 1) {
    return absl::InvalidArgumentError("TransportOptions.max_concurrent must be >= 1");
  }
  if (options.max_per_host < 1) {
    return absl::InvalidArgumentError("TransportOptions.max_per_host must be >= 1");
  }
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("TransportOptions.retry.max_attempts must be >= 1");
  }
  if (absl::Status s = InitCurlOnce(); !s.ok()) return s;
  std::unique_ptr<Transport> t(new Transport(std::move(options)));
  if (t->multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  t->thread_ = std::thread([p = t.get()] { p->Run(); });
  return t;
}

Transport::Transport(TransportOptions options)
    : options_(std::move(options)),
      rng_(std::random_device{}()),
      sync_(std::make_unique<SyncWorkers>(options_.sync_threads)) {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) return;
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.max_per_host));
  long idle = options_.max_idle_connections > 0 ? options_.max_idle_connections
                                                : 2L * options_.max_concurrent;
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, idle);
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING,
                    options_.http2 ? static_cast<long>(CURLPIPE_MULTIPLEX) : 0L);
}

Transport::~Transport() {
  Shutdown();
  // Jobs hold easy handles that must go before the multi handle.
  jobs_.clear();
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
}

void Transport::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  if (multi_ != nullptr) curl_multi_wakeup(multi_);
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) {
    thread_.join();
    sync_->Drain();  // after the network thread: it may still have posted deliveries
  }
}

TransferId Transport::Enqueue(std::unique_ptr<TransferJob> job) {
  TransferId id = job->id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      inbox_.push_back(std::move(job));
      ++stats_.submitted;
    }
  }
  if (job) {  // refused: the transport is shut down
    CompletionFn done = job->done();
    std::string url = job->url();
    job.reset();
    SafeCall(done, CancelledAtSubmit(url));
    return id;
  }
  curl_multi_wakeup(multi_);
  return id;
}

TransferId Transport::SubmitGet(GetRequest request, CompletionFn done) {
  TransferId id = next_id_.fetch_add(1);
  return Enqueue(std::make_unique<TransferJob>(id, std::move(request), std::move(done)));
}

TransferId Transport::SubmitPut(PutRequest request, CompletionFn done) {
  TransferId id = next_id_.fetch_add(1);
  std::string sha;
  if (request.auth.sigv4 && !request.auth.sigv4->unsigned_payload) {
    absl::StatusOr<std::string> hash = FileSha256Hex(request.source_path);
    if (!hash.ok()) {
      Result r;
      r.verdict = Verdict::kFailed;
      r.error = absl::StrCat("Transfer failed (no HTTP status / curl error: none) url=",
                             RedactUrl(request.url), ": ", hash.status().message());
      SafeCall(done, r);
      return id;
    }
    sha = *std::move(hash);
  }
  return Enqueue(
      std::make_unique<TransferJob>(id, std::move(request), std::move(sha), std::move(done)));
}

PendingTransfer Transport::StartGet(GetRequest request) {
  auto promise = std::make_shared<std::promise<Result>>();
  PendingTransfer p;
  p.result = promise->get_future();
  p.id = SubmitGet(std::move(request), [promise](const Result& r) { promise->set_value(r); });
  return p;
}

PendingTransfer Transport::StartPut(PutRequest request) {
  auto promise = std::make_shared<std::promise<Result>>();
  PendingTransfer p;
  p.result = promise->get_future();
  p.id = SubmitPut(std::move(request), [promise](const Result& r) { promise->set_value(r); });
  return p;
}

void Transport::Cancel(TransferId id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancel_requests_.push_back(id);
  }
  curl_multi_wakeup(multi_);
}

void Transport::CancelAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancel_below_ = std::max(cancel_below_, next_id_.load());
  }
  curl_multi_wakeup(multi_);
}

TransportStats Transport::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

namespace {

// The failure reported when the request's time budget ends a transfer on `job`'s route.
HostFailure BudgetFailure(const TransferJob& job, const Session& session) {
  return HostFailure{job.route().host, job.route().proxy_display, ReachCause::kTimeBudget,
                     absl::StrCat("time budget of ", session.budget.count(), " s")};
}

}  // namespace

void Transport::StartJob(TransferJob* job) {
  if (Session* session = job->session()) {
    // An open breaker or a spent budget fails the transfer before it touches the network.
    std::optional<HostFailure> why = session->breaker.Blocking(job->route());
    if (!why && session->Expired(Clock::now())) {
      HostFailure spent = BudgetFailure(*job, *session);
      session->breaker.Failed(job->route(), spent);
      why = spent;
    }
    if (why) {
      job->FailUnreachable(*why);
      Complete(job->id(), /*cancelled=*/false, nullptr);
      return;
    }
  }
  absl::Status s = job->BeginAttempt(options_);
  if (!s.ok()) {
    Complete(job->id(), /*cancelled=*/false, nullptr);
    return;
  }
  CURLMcode mc = curl_multi_add_handle(multi_, job->easy());
  if (mc != CURLM_OK) {
    spdlog::error("curl_multi_add_handle failed: {}", curl_multi_strerror(mc));
    Complete(job->id(), /*cancelled=*/false, nullptr);
    return;
  }
  active_.insert(job->id());
  ++in_flight_;
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.attempts;
  if (job->attempts() > 1) ++stats_.retries;
  stats_.in_flight = in_flight_;
  stats_.max_in_flight = std::max(stats_.max_in_flight, in_flight_);
}

void Transport::StartReady(Clock::time_point now) {
  while (in_flight_ < options_.max_concurrent) {
    TransferId id = 0;
    // Due retries first (they have waited already), earliest first.
    auto due = std::min_element(backoff_.begin(), backoff_.end(),
                                [](const Backoff& a, const Backoff& b) {
                                  return a.ready_at < b.ready_at;
                                });
    if (due != backoff_.end() && due->ready_at <= now) {
      id = due->id;
      backoff_.erase(due);
    } else if (!ready_.empty()) {
      id = ready_.front();
      ready_.pop_front();
    } else {
      return;
    }
    auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;  // cancelled while waiting
    StartJob(it->second.get());
  }
}

void Transport::HandleDone(CURL* easy, CURLcode code) {
  char* priv = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
  auto* job = reinterpret_cast<TransferJob*>(priv);
  curl_multi_remove_handle(multi_, easy);
  active_.erase(job->id());
  --in_flight_;
  TransferJob::AttemptOutcome outcome = job->EndAttempt(code);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.connects += static_cast<std::uint64_t>(std::max(0L, job->last_connects()));
    (job->is_get() ? stats_.bytes_received : stats_.bytes_sent) += job->last_bytes();
    stats_.in_flight = in_flight_;
  }
  if (outcome.room_refused) {
    // [bounded cache] Room frees up as other archives are unpacked: ask again soon, for as long
    // as the request allows, without using up the retry budget meant for network failures.
    if (!job->MayWaitForRoom(Clock::now())) {
      Complete(job->id(), /*cancelled=*/false, nullptr);
      return;
    }
    spdlog::debug("transfer {}: no room under the cache size cap yet, asking again", job->id());
    job->Park();
    backoff_.push_back({Clock::now() + kRoomRetryDelay, job->id()});
    return;
  }
  if (Session* session = job->session()) {
    if (job->answered()) {
      session->breaker.Answered(job->route());
    } else if (job->reach_cause() != ReachCause::kNone &&
               session->breaker.Failed(job->route(), job->ReachFailure())) {
      FailBlocked(*session);  // this job and every other one of the request on that route
      return;
    } else if (std::optional<HostFailure> why = session->breaker.Blocking(job->route())) {
      // Got no answer on a route another transfer found dead meanwhile: whatever its own error
      // (libcurl may report a reused proxy connection oddly), it fails for the same reason.
      job->FailUnreachable(*why);
      Complete(job->id(), /*cancelled=*/false, nullptr);
      return;
    } else if (!job->answered() && session->Expired(Clock::now())) {
      // The attempt's timeout was cut to what was left of the request's budget and ran out
      // before any answer: the budget failed it, as StartJob fails a transfer begun too late.
      HostFailure spent = BudgetFailure(*job, *session);
      session->breaker.Failed(job->route(), spent);
      job->FailUnreachable(spent);
      Complete(job->id(), /*cancelled=*/false, nullptr);
      return;
    }
    if (session->Expired(Clock::now())) outcome.final = true;  // no retry past the budget
  }
  if (!outcome.final && job->attempts() - job->room_refusals() < options_.retry.max_attempts) {
    double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    auto delay = BackoffDelay(options_.retry, job->attempts() - job->room_refusals(),
                              outcome.retry_after_seconds, unit);
    spdlog::debug("transfer {}: attempt {}/{} failed, retrying in {} ms: {}", job->id(),
                  job->attempts(), options_.retry.max_attempts, delay.count(),
                  job->DescribeFailure());
    job->Park();
    backoff_.push_back({Clock::now() + delay, job->id()});
    return;
  }
  Complete(job->id(), /*cancelled=*/false, nullptr);
}

void Transport::Complete(TransferId id, bool cancelled, const char* reason) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  std::unique_ptr<TransferJob> job = std::move(it->second);
  jobs_.erase(it);
  if (active_.erase(id) > 0) {
    curl_multi_remove_handle(multi_, job->easy());
    --in_flight_;
    std::lock_guard<std::mutex> lock(mu_);
    stats_.in_flight = in_flight_;
  }
  if (!cancelled && job->delivered_body()) {
    // fsync costs milliseconds: do it, and the callback, off the network thread.
    std::shared_ptr<TransferJob> shared(std::move(job));
    sync_->Post([this, shared] { FinishAndNotify(*shared, false, nullptr); });
    return;
  }
  FinishAndNotify(*job, cancelled, reason);
}

void Transport::FailBlocked(Session& session) {
  std::vector<std::pair<TransferId, HostFailure>> victims;
  for (const auto& [id, job] : jobs_) {
    if (job->session() != &session) continue;
    if (std::optional<HostFailure> why = session.breaker.Blocking(job->route())) {
      victims.emplace_back(id, *std::move(why));
    }
  }
  std::sort(victims.begin(), victims.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!victims.empty()) {
    const HostFailure& f = victims.front().second;
    spdlog::info("cannot reach {}{}{}: {} ({}); failing {} transfer(s) of the request at once", f.host,
                 f.proxy.empty() ? "" : " via proxy ", f.proxy, ReachCauseText(f.cause), f.detail,
                 victims.size());
  }
  for (const auto& [id, why] : victims) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;
    it->second->FailUnreachable(why);
    Complete(id, /*cancelled=*/false, nullptr);
  }
}

void Transport::FinishAndNotify(TransferJob& job, bool cancelled, const char* reason) {
  TransferId id = job.id();
  Result result = job.Finish(cancelled, reason != nullptr ? reason : "");
  CompletionFn done = job.done();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.completed;
    switch (result.verdict) {
      case Verdict::kDelivered:
      case Verdict::kAlreadyPresent: ++stats_.delivered; break;
      case Verdict::kMiss: ++stats_.misses; break;
      case Verdict::kFailed: ++stats_.failed; break;
      case Verdict::kCancelled: ++stats_.cancelled; break;
    }
  }
  if (result.verdict == Verdict::kFailed) spdlog::debug("transfer {}: {}", id, result.error);
  SafeCall(done, result);
}

void Transport::CancelJob(TransferId id, const char* reason) {
  Complete(id, /*cancelled=*/true, reason);
}

long Transport::PollTimeoutMs(Clock::time_point now) {
  long timeout = -1;
  curl_multi_timeout(multi_, &timeout);
  if (timeout < 0 || timeout > 1000) timeout = 1000;
  if (in_flight_ < options_.max_concurrent) {
    if (!ready_.empty()) return 0;
    for (const Backoff& b : backoff_) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(b.ready_at - now).count();
      timeout = std::min(timeout, std::max(0L, static_cast<long>(ms) + 1));
    }
  }
  return timeout;
}

void Transport::Run() {
  for (;;) {
    std::vector<std::unique_ptr<TransferJob>> incoming;
    std::vector<TransferId> cancels;
    TransferId cancel_below = 0;
    bool stopping = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      incoming.swap(inbox_);
      cancels.swap(cancel_requests_);
      cancel_below = cancel_below_;
      cancel_below_ = 0;
      stopping = stopping_;
    }
    for (auto& job : incoming) {
      TransferId id = job->id();
      jobs_.emplace(id, std::move(job));
      ready_.push_back(id);
    }
    if (stopping || cancel_below > 0) {
      std::vector<TransferId> victims;
      for (const auto& [id, job] : jobs_) {
        if (stopping || id < cancel_below) victims.push_back(id);
      }
      std::sort(victims.begin(), victims.end());
      for (TransferId id : victims) CancelJob(id, stopping ? "transport shut down" : "cancelled");
    }
    for (TransferId id : cancels) CancelJob(id, "cancelled");
    if (stopping) break;

    StartReady(Clock::now());
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE) HandleDone(msg->easy_handle, msg->data.result);
    }
    Clock::time_point now = Clock::now();
    StartReady(now);
    {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.queued = static_cast<int>(ready_.size() + backoff_.size());
    }
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(PollTimeoutMs(now)), nullptr);
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.queued = 0;
}

}  // namespace leancache::transfer
