#pragma once
// The durable side of `leancache stats`: finished runs are written to the index's meta table
// (records "stats:lifetime" and "stats:last:<family>", see index/records.h), read back, shown
// as text or JSON, and zeroed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/index/index.h"
#include "nlohmann/json.hpp"

namespace leancache::stats {

// The family a command word's last run is kept under: "get" for get/get!/get-/unpack/unpack!,
// "put" for put/put!/put-unpacked/put-staged, otherwise the word itself.
std::string CommandFamily(std::string_view command);

// Adds one finished run (RunCounters::ToRecord) in one index transaction: "last:<family>"
// becomes the run, "lifetime" sums it in (runs and counters added, first_ms kept, last_ms and
// command updated).
absl::Status RecordRun(index::Index& index, const index::StatsRecord& run);

// What `stats` shows.
struct StatsSnapshot {
  std::optional<index::StatsRecord> lifetime;
  std::vector<std::pair<std::string, index::StatsRecord>> last;  // by family, in name order
};
absl::StatusOr<StatsSnapshot> ReadStats(index::Index& index);

// Deletes every stats record. Returns how many there were.
absl::StatusOr<size_t> ZeroStats(index::Index& index);

// {"runs", "command", "first_unix_ms", "last_unix_ms", <every counter>, "errors": {kind: n}}.
nlohmann::json RecordJson(const index::StatsRecord& record);
// {"lifetime": RecordJson|null, "last": {family: RecordJson}}.
nlohmann::json SnapshotJson(const StatsSnapshot& snapshot);
// Human-readable lines (a block per last run, then the lifetime block).
std::vector<std::string> SnapshotText(const StatsSnapshot& snapshot);

// "1.5 MiB"-style size.
std::string HumanBytes(uint64_t bytes);

}  // namespace leancache::stats
