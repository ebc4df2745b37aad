#include "daemon/stats/run_counters.h"

namespace leancache::stats {

std::string_view CounterName(Counter counter) {
  switch (counter) {
    case Counter::kHits: return "hits";
    case Counter::kMisses: return "misses";
    case Counter::kDownloaded: return "downloaded";
    case Counter::kNotFound: return "not_found";
    case Counter::kBytesDownloaded: return "bytes_downloaded";
    case Counter::kUnpacked: return "unpacked";
    case Counter::kBytesUnpacked: return "bytes_unpacked";
    case Counter::kArchivesEvicted: return "archives_evicted";
    case Counter::kBytesEvicted: return "bytes_evicted";
    case Counter::kUploaded: return "uploaded";
    case Counter::kAlreadyOnServer: return "already_on_server";
    case Counter::kUploadFailed: return "upload_failed";
    case Counter::kBytesUploaded: return "bytes_uploaded";
  }
  return "unknown";
}

index::StatsRecord RunCounters::ToRecord(std::string_view command, int64_t started_unix_ms,
                                         uint64_t milliseconds) const {
  index::StatsRecord r;
  r.runs = 1;
  r.first_ms = r.last_ms = started_unix_ms;
  r.command = std::string(command);
  for (size_t i = 0; i < kCounterCount; ++i) {
    r.counters[std::string(CounterName(static_cast<Counter>(i)))] = values_[i].load(std::memory_order_relaxed);
  }
  r.counters[std::string(kMillisecondsKey)] = milliseconds;
  for (size_t i = 0; i < kErrorKindCount; ++i) {
    uint64_t n = errors_[i].load(std::memory_order_relaxed);
    if (n > 0) r.counters[std::string(kErrorPrefix) + std::string(ErrorKindName(static_cast<ErrorKind>(i)))] = n;
  }
  return r;
}

}  // namespace leancache::stats
