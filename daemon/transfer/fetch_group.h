#pragma once
// Single-flight downloads: however many callers ask for the same key while its fetch is in
// flight, the transport fetches it once and every caller receives the same result.

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/transfer/request.h"
#include "daemon/transfer/transport.h"

namespace leancache::transfer {

class FetchGroup {
 public:
  // Runs once per fetch, on the thread that completes the transfer (a file-sync worker when the
  // GET was delivered), after the transfer ended and before any waiter sees the result. It may
  // turn the result into another (e.g. verify the temp file and rename it into the store, or
  // report kFailed if verification fails).
  using Finisher = std::function<Result(Result)>;

  // `transport` must outlive the group.
  explicit FetchGroup(Transport& transport) : transport_(transport) {}

  // Joins the in-flight fetch of `key`, or starts `request` for it. The returned future (and
  // `done`, if given, run on the completing thread before the future becomes ready) yields the
  // one shared result. `finish` and `request` are used only when this call starts the fetch;
  // `*started` (optional) says whether it did. `satisfied` (optional) is asked under the
  // group's lock before a new fetch starts: true means the content already arrived (a fetch of
  // the key landed between the caller's own check and this call), and the call returns a
  // delivered result (0 bytes) without a transfer. A Cancel racing with the very first Fetch of
  // a key may be missed.
  std::shared_future<Result> Fetch(const std::string& key, GetRequest request,
                                   Finisher finish = nullptr, CompletionFn done = nullptr,
                                   bool* started = nullptr,
                                   const std::function<bool()>& satisfied = nullptr);

  // Cancels the in-flight fetch of `key` (every waiter gets kCancelled). No-op if none.
  void Cancel(const std::string& key);

  // Keys currently in flight.
  size_t InFlight() const;

 private:
  struct Flight {
    TransferId id = 0;
    std::promise<Result> promise;
    std::shared_future<Result> future;
    std::vector<CompletionFn> waiters;
  };

  void Land(const std::string& key, const Finisher& finish, const Result& result);

  Transport& transport_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace leancache::transfer
