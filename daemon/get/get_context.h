#pragma once
// What the parts of one `get` job share (daemon/get/get_job.cpp orchestrates them): the
// request, the project's blob store and size cap, one Item per module in scope, and the counters
// that transport and unpack threads update while the job runs.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/event_sink.h"
#include "daemon/core/job_observers.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/get/get_job.h"
#include "daemon/project/project_keys.h"
#include "daemon/stats/run_counters.h"
#include "daemon/store/blob_store.h"

namespace leancache::get {

using Clock = std::chrono::steady_clock;

// One module in the job's scope: its name, its key-graph entry and its archive key (and hex).
struct Item {
  std::string module;
  const keys::ModuleEntry* entry;
  uint64_t key;
  std::string hash16;
};

// Counters and failure lines shared with transport and unpack threads (thread-safe).
struct JobState {
  std::atomic<uint64_t> downloaded{0}, download_failed{0}, bytes{0};
  std::atomic<uint64_t> unpacked{0}, unpack_failed{0}, unpack_pending{0};
  stats::RunCounters stats;          // [stats] bytes unpacked and errors by kind
  evict::EvictionCounters evicted;   // [bounded cache] evictions this job's downloads caused
  std::mutex mu;
  std::vector<std::string> errors;   // user-facing failure lines, reported at the end
  std::set<std::string> swept_dirs;  // [reliability] output dirs cleared of dead temp files
  void AddError(std::string line) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(std::move(line));
  }
};

// The request, the daemon's parts the job uses, and what the job resolved before planning; lives
// for the whole job. `store` and `job` are shared so that work queued on other threads never
// outlives them.
struct JobContext {
  const core::LocalCache& local;        // index, quota, dep hashes, plan memo, unpack pool
  const core::Network& network;         // config (sources, cap), single-flight fetches, shared cache
  const core::JobObservers& observers;  // editor watchers, `stats` waiting for the record
  const project::ProjectKeys& project;
  const GetFlags& flags;
  core::EventSink& sink;
  std::shared_ptr<store::BlobStore> store;
  uint64_t cap = 0;  // [bounded cache] the cache size cap in bytes; 0: none
  Clock::time_point started;
  int64_t started_unix_ms = 0;  // [stats] the same moment, wall clock
  std::shared_ptr<JobState> job = std::make_shared<JobState>();
  std::vector<Item> items;  // one per module in scope, in scope order
};

}  // namespace leancache::get
