#pragma once
// The daemon's HTTP transport: one background thread drives one libcurl multi handle, so every
// download and upload shares a connection pool (keep-alive, HTTP/2 multiplexing where the server
// offers it) under a global and a per-host bound. Transient failures (5xx, 429, resets, stalls,
// short bodies) are retried with exponential backoff and jitter; definite answers (404, 403,
// other 4xx) are not. Verdicts follow spec mathlib-cache.md §5.2 (M-late) and fix the §11
// pitfalls: a short body is never delivered and a miss leaves no file behind.
//
// A request's transfers may share a Session (session.h): each attempt then uses the session's
// proxy and CA settings (never the daemon's environment), no attempt outlives its time budget,
// and once one transfer finds a host or proxy unreachable (reach_failure.h) the session's
// breaker fails every other transfer of the request on that route at once, with
// Result::unreachable, instead of letting each wait and retry.
//
// Threading: Submit*/Start*/Cancel*/Stats may be called from any thread. Callbacks run on
// threads the transport owns, never on the submitter's: progress callbacks and every completion
// except kDelivered GETs run on the NETWORK THREAD and must be quick (queue work elsewhere); a
// delivered GET is fsynced and completed on one of `sync_threads` FILE-SYNC WORKERS, where a
// little file work (verify, rename) is fine. Callbacks may call Submit*/Cancel (they only
// enqueue) but must not destroy the transport. Destroying the transport cancels everything still
// queued or running (each callback still runs once, with kCancelled), lets delivered downloads
// finish their fsync, and joins all threads.

#include <curl/curl.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/transfer/request.h"
#include "daemon/transfer/sync_workers.h"
#include "daemon/transfer/transport_options.h"

namespace leancache::transfer {

class TransferJob;
struct Session;

// Counters since the transport started. Snapshot; safe to read from any thread.
struct TransportStats {
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t delivered = 0;       // kDelivered and kAlreadyPresent
  std::uint64_t misses = 0;
  std::uint64_t failed = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t attempts = 0;        // attempts started (>= completed transfers)
  std::uint64_t retries = 0;         // attempts beyond the first
  std::uint64_t connects = 0;        // new TCP/TLS connections (CURLINFO_NUM_CONNECTS summed)
  std::uint64_t bytes_received = 0;  // GET body bytes written, over all attempts
  std::uint64_t bytes_sent = 0;      // PUT body bytes sent, over all attempts
  int in_flight = 0;                 // transfers currently handed to libcurl
  int max_in_flight = 0;             // high-water mark of in_flight
  int queued = 0;                    // waiting for a slot or for their retry backoff
};

// A submitted transfer and its eventual result.
struct PendingTransfer {
  TransferId id = 0;
  std::future<Result> result;
};

class Transport {
 public:
  // Initializes libcurl (once per process), creates the multi handle and starts the thread.
  // Errors: InvalidArgument for nonsensical options, Internal if libcurl cannot be set up.
  static absl::StatusOr<std::unique_ptr<Transport>> Create(TransportOptions options);

  ~Transport();  // Shutdown()
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Queues a download of request.url into request.temp_path; `done` runs once when it ends.
  // Returns the id for Cancel(). After Shutdown, `done` runs at once on the calling thread with
  // kCancelled.
  TransferId SubmitGet(GetRequest request, CompletionFn done);

  // Queues an upload of request.source_path. With SigV4 payload signing, the body's SHA-256 is
  // computed here, on the calling thread; an unreadable file completes at once with kFailed.
  TransferId SubmitPut(PutRequest request, CompletionFn done);

  // Same as SubmitGet/SubmitPut, with the result delivered through a future.
  PendingTransfer StartGet(GetRequest request);
  PendingTransfer StartPut(PutRequest request);

  // Cancels one transfer (queued, backing off or running): its callback runs with kCancelled and
  // its temp file is removed. Unknown or finished ids are ignored. Asynchronous: returns at once.
  void Cancel(TransferId id);
  // Cancels every transfer submitted so far. Asynchronous like Cancel.
  void CancelAll();

  // Cancels everything, waits for the callbacks and stops the thread. Idempotent. Must not be
  // called from a completion/progress callback (it would wait for itself); there it only asks
  // the thread to stop.
  void Shutdown();

  TransportStats Stats() const;
  const TransportOptions& options() const { return options_; }

 private:
  explicit Transport(TransportOptions options);
  TransferId Enqueue(std::unique_ptr<TransferJob> job);
  void Run();
  void StartReady(std::chrono::steady_clock::time_point now);
  void StartJob(TransferJob* job);
  void HandleDone(CURL* easy, CURLcode code);
  void Complete(TransferId id, bool cancelled, const char* reason);
  void FinishAndNotify(TransferJob& job, bool cancelled, const char* reason);
  void CancelJob(TransferId id, const char* reason);
  // Fails at once every transfer of `session` whose route its breaker has just opened.
  void FailBlocked(Session& session);
  long PollTimeoutMs(std::chrono::steady_clock::time_point now);

  const TransportOptions options_;
  CURLM* multi_ = nullptr;
  std::thread thread_;
  std::atomic<TransferId> next_id_{1};

  // Shared with submitting threads.
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<TransferJob>> inbox_;
  std::vector<TransferId> cancel_requests_;
  TransferId cancel_below_ = 0;  // CancelAll: ids below this are cancelled
  bool stopping_ = false;
  TransportStats stats_;

  // Owned by the transport thread only.
  struct Backoff {
    std::chrono::steady_clock::time_point ready_at;
    TransferId id;
  };
  std::unordered_map<TransferId, std::unique_ptr<TransferJob>> jobs_;
  std::deque<TransferId> ready_;      // new transfers, FIFO
  std::vector<Backoff> backoff_;      // retries waiting out their delay
  std::unordered_set<TransferId> active_;  // easy handle added to multi_
  int in_flight_ = 0;
  std::mt19937_64 rng_;

  std::unique_ptr<SyncWorkers> sync_;  // fsync + completion of delivered GETs
};

}  // namespace leancache::transfer
