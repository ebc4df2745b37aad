#pragma once
// A per-user daemon's client of the shared system daemon (its first upstream, before the HTTP
// sources). Every method degrades to "nothing shared" when the system daemon is absent, down or
// refuses: `get` then simply goes on to HTTP. The first failure after a success is logged as one
// warning, later ones at debug level.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::store {
class BlobStore;
}

namespace leancache::multiuser {

// How an archive got from the shared store into a CACHEDIR.
enum class Materialized { kHardLink, kReflink, kKernelCopy, kStreamed };

struct OfferSummary {
  size_t offered = 0;      // archives considered
  size_t stored = 0;       // newly kept as trusted
  size_t quarantined = 0;  // newly kept in our quarantine
  size_t already = 0;      // the shared cache had these bytes already
  size_t failed = 0;       // refused or not sent (see errors)
  bool unavailable = false;        // no system daemon reachable: nothing was offered
  std::vector<std::string> errors;  // user-facing, one line each ("shared cache: ...")
};

class Upstream {
 public:
  // `socket_path`: the system daemon's socket (it need not exist yet).
  explicit Upstream(std::string socket_path);
  ~Upstream();  // stops the background offer thread (queued offers are dropped)
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  const std::string& socket_path() const { return socket_path_; }

  // For each key the shared cache can serve us: puts the archive into `store` (hard link or
  // reflink of the shared file when the filesystem allows, else an in-kernel copy of it, else a
  // ReadBlob stream when the file is not readable to us), admits it with BlobStore::Adopt and
  // checks its SHA-256 against the shared daemon's. Returns the keys now present in `store`.
  std::set<uint64_t> FetchInto(store::BlobStore& store, const std::vector<uint64_t>& keys);

  // Offers archives ("<CACHEDIR>/<hash16>.ltar") to the shared cache, skipping those it already
  // holds with the same SHA-256. Stops at the first refusal that would repeat (quota, permission).
  OfferSummary Offer(const std::vector<std::filesystem::path>& archives);

  // Offers in a background thread (after downloads). Skipped once the shared daemon has shown
  // that our writes are quarantined: downloaded copies would only fill our quota.
  void OfferLater(std::vector<std::filesystem::path> archives);

  // Counters, for tests and logs.
  uint64_t fetched() const { return fetched_.load(); }

 private:
  std::unique_ptr<v1::Cache::Stub> Stub();  // null when the socket does not exist
  void NoteFailure(const std::string& what);
  void NoteSuccess();
  bool FetchOne(v1::Cache::Stub& stub, store::BlobStore& store, uint64_t key);
  void OfferLoop();

  const std::string socket_path_;
  std::mutex channel_mu_;
  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<bool> warned_{false};
  std::atomic<bool> writes_quarantined_{false};
  std::atomic<uint64_t> fetched_{0};

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::filesystem::path> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace leancache::multiuser
