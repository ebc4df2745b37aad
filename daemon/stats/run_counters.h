#pragma once
// RunCounters: the statistics of one command run, counted in memory (relaxed atomics, so
// transport and unpack threads add to them cheaply) and turned into an index::StatsRecord when
// the run ends (stats_book.h writes it).

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/index/records.h"
#include "daemon/stats/error_kind.h"

namespace leancache::stats {

enum class Counter {
  kHits,             // archives the run needed that were already in CACHEDIR
  kMisses,           // archives it needed that were not (and had to be fetched)
  kDownloaded,       // archives downloaded
  kNotFound,         // archives no source had
  kBytesDownloaded,  // body bytes of the downloaded archives
  kUnpacked,         // archives unpacked
  kBytesUnpacked,    // bytes of the files unpacking wrote
  kArchivesEvicted,  // archives evicted to make room under the size cap for this run
  kBytesEvicted,
  kUploaded,         // archives a put stored on the server
  kAlreadyOnServer,  // archives a put found already there (409/412)
  kUploadFailed,     // archives a put could not store
  kBytesUploaded,    // body bytes of the finished uploads
};
inline constexpr size_t kCounterCount = static_cast<size_t>(Counter::kBytesUploaded) + 1;

// Record key of a counter: "hits", "misses", "downloaded", "not_found", "bytes_downloaded",
// "unpacked", "bytes_unpacked", "archives_evicted", "bytes_evicted", "uploaded",
// "already_on_server", "upload_failed", "bytes_uploaded".
std::string_view CounterName(Counter counter);
// Record key of the run time, and the prefix of error counters ("errors.http_5xx").
inline constexpr std::string_view kMillisecondsKey = "milliseconds";
inline constexpr std::string_view kErrorPrefix = "errors.";

class RunCounters {
 public:
  void Add(Counter counter, uint64_t n = 1) { values_[static_cast<size_t>(counter)].fetch_add(n, std::memory_order_relaxed); }
  void AddError(ErrorKind kind, uint64_t n = 1) { errors_[static_cast<size_t>(kind)].fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get(Counter counter) const { return values_[static_cast<size_t>(counter)].load(std::memory_order_relaxed); }
  uint64_t Errors(ErrorKind kind) const { return errors_[static_cast<size_t>(kind)].load(std::memory_order_relaxed); }

  // The run as a record: runs 1, first/last = `started_unix_ms`, the command word, every
  // counter (zeros included), "milliseconds", and the error kinds that occurred.
  index::StatsRecord ToRecord(std::string_view command, int64_t started_unix_ms, uint64_t milliseconds) const;

 private:
  std::array<std::atomic<uint64_t>, kCounterCount> values_{};
  std::array<std::atomic<uint64_t>, kErrorKindCount> errors_{};
};

}  // namespace leancache::stats
