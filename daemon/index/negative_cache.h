#pragma once
// NegativeCache: which archives a download source recently answered "not found" (404, or 403
// where that means a miss), so that a `get` does not ask again for a while. Without it every
// get of a project with modules the server lacks (a local change, CI not done yet) pays one
// round trip per missing archive and source.
//
// Persisted in the index's `meta` table (survives a daemon restart), one entry per source and
// key: "neg:<hash16>\t<source id>" -> when it was checked (unix ms, 8 bytes). The source id is
// Lean's string hash of the source's URL template (Round::UrlTemplate), so the key stays short.
// Bounded: at most `max_entries` entries; beyond that the oldest checks are dropped.
// An entry counts only while younger than the caller's time to live; `get!`/`--refresh` do not
// consult it, and a `put` of a key drops the key's entries for every source (Forget).
// Thread-safe (LMDB transactions); every call takes `now_ms` so tests need no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "daemon/index/index.h"

namespace leancache::index {

class NegativeCache {
 public:
  static constexpr size_t kDefaultMaxEntries = 200000;

  explicit NegativeCache(Index& index, size_t max_entries = kDefaultMaxEntries)
      : index_(index), max_entries_(max_entries) {}

  // For each of `hash16s`: when `source` answered "not found" for it (unix ms), if that was
  // less than `ttl_ms` before `now_ms`; else nullopt. One read transaction.
  absl::StatusOr<std::vector<std::optional<int64_t>>> Lookup(std::string_view source,
                                                             absl::Span<const std::string> hash16s,
                                                             int64_t now_ms, int64_t ttl_ms);

  // Records that `source` answered "not found" for each of `hash16s` at `now_ms`, then drops
  // the oldest entries beyond the bound. One write transaction.
  absl::Status RecordMisses(std::string_view source, absl::Span<const std::string> hash16s, int64_t now_ms);

  // Drops every entry of each of `hash16s`, for all sources (after a put of those keys).
  // Returns how many entries were dropped.
  absl::StatusOr<size_t> Forget(absl::Span<const std::string> hash16s);

  // Number of entries (tests, status).
  absl::StatusOr<size_t> Size();

 private:
  Index& index_;
  size_t max_entries_;
};

}  // namespace leancache::index
