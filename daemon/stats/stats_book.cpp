#include "daemon/stats/stats_book.h"

#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/stats/run_counters.h"

namespace leancache::stats {
namespace {

constexpr std::string_view kLifetime = "lifetime";
constexpr std::string_view kLastPrefix = "last:";

uint64_t CounterOf(const index::StatsRecord& r, std::string_view name) {
  auto it = r.counters.find(std::string(name));
  return it == r.counters.end() ? 0 : it->second;
}

std::string UtcTime(int64_t unix_ms) {
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::vector<std::string> BlockText(const std::string& title, const index::StatsRecord& r) {
  std::vector<std::string> out;
  out.push_back(title);
  uint64_t hits = CounterOf(r, "hits"), misses = CounterOf(r, "misses");
  std::string ratio = hits + misses > 0 ? absl::StrFormat(" (%.1f%% hits)", 100.0 * hits / (hits + misses)) : "";
  out.push_back(absl::StrCat("  archives: ", hits, " hits, ", misses, " misses", ratio, "; ",
                             CounterOf(r, "downloaded"), " downloaded, ", CounterOf(r, "not_found"),
                             " not found, ", CounterOf(r, "unpacked"), " unpacked"));
  out.push_back(absl::StrCat("  bytes:    ", HumanBytes(CounterOf(r, "bytes_downloaded")), " downloaded, ",
                             HumanBytes(CounterOf(r, "bytes_unpacked")), " unpacked"));
  if (uint64_t evicted = CounterOf(r, "archives_evicted"); evicted > 0) {
    out.push_back(absl::StrCat("  evicted:  ", evicted, " archives (", HumanBytes(CounterOf(r, "bytes_evicted")),
                               ") to stay under the cache size cap"));
  }
  const uint64_t uploaded = CounterOf(r, "uploaded"), on_server = CounterOf(r, "already_on_server"),
                 upload_failed = CounterOf(r, "upload_failed");
  if (uploaded + on_server + upload_failed > 0) {
    out.push_back(absl::StrCat("  uploads:  ", uploaded, " uploaded (", HumanBytes(CounterOf(r, "bytes_uploaded")),
                               "), ", on_server, " already on the server, ", upload_failed, " failed"));
  }
  out.push_back(absl::StrCat("  time:     ", CounterOf(r, kMillisecondsKey), " ms"));
  std::vector<std::string> errors;
  for (const auto& [name, value] : r.counters) {
    if (name.rfind(kErrorPrefix, 0) == 0 && value > 0) {
      errors.push_back(absl::StrCat(name.substr(kErrorPrefix.size()), " ", value));
    }
  }
  out.push_back(absl::StrCat("  errors:   ", errors.empty() ? "none" : absl::StrJoin(errors, ", ")));
  return out;
}

}  // namespace

std::string CommandFamily(std::string_view command) {
  std::string word(command);
  if (word == "get" || word == "get!" || word == "get-" || word == "unpack" || word == "unpack!") return "get";
  if (word == "put" || word == "put!" || word == "put-unpacked" || word == "put-staged") return "put";
  return word;
}

absl::Status RecordRun(index::Index& index, const index::StatsRecord& run) {
  const std::string last = std::string(kLastPrefix) + CommandFamily(run.command);
  const std::vector<std::string> names = {std::string(kLifetime), last};
  return index.UpdateStatsRecords(names, [&](std::string_view name, index::StatsRecord& r) {
    if (name != kLifetime) {
      r = run;
      return;
    }
    if (r.runs == 0 || r.first_ms == 0) r.first_ms = run.first_ms;
    r.runs += run.runs;
    r.last_ms = std::max(r.last_ms, run.last_ms);
    r.command = run.command;
    for (const auto& [counter, value] : run.counters) r.counters[counter] += value;
  });
}

absl::StatusOr<StatsSnapshot> ReadStats(index::Index& index) {
  auto records = index.ListStatsRecords();
  if (!records.ok()) return records.status();
  StatsSnapshot out;
  for (auto& [name, record] : *records) {
    if (name == kLifetime) {
      out.lifetime = std::move(record);
    } else if (name.rfind(kLastPrefix, 0) == 0) {
      out.last.emplace_back(name.substr(kLastPrefix.size()), std::move(record));
    }
  }
  return out;
}

absl::StatusOr<size_t> ZeroStats(index::Index& index) { return index.ClearStatsRecords(); }

nlohmann::json RecordJson(const index::StatsRecord& r) {
  nlohmann::json doc = {{"runs", r.runs},
                        {"command", r.command},
                        {"first_unix_ms", r.first_ms},
                        {"last_unix_ms", r.last_ms}};
  for (size_t i = 0; i < kCounterCount; ++i) doc[std::string(CounterName(static_cast<Counter>(i)))] = 0;
  doc[std::string(kMillisecondsKey)] = 0;
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [name, value] : r.counters) {
    if (name.rfind(kErrorPrefix, 0) == 0) {
      errors[name.substr(kErrorPrefix.size())] = value;
    } else {
      doc[name] = value;
    }
  }
  doc["errors"] = errors;
  return doc;
}

nlohmann::json SnapshotJson(const StatsSnapshot& s) {
  nlohmann::json last = nlohmann::json::object();
  for (const auto& [family, record] : s.last) last[family] = RecordJson(record);
  return {{"lifetime", s.lifetime ? RecordJson(*s.lifetime) : nlohmann::json(nullptr)}, {"last", last}};
}

std::vector<std::string> SnapshotText(const StatsSnapshot& s) {
  std::vector<std::string> out;
  for (const auto& [family, record] : s.last) {
    auto block = BlockText(absl::StrCat("Last ", family, " (", record.command, ", ", UtcTime(record.first_ms), "):"), record);
    out.insert(out.end(), block.begin(), block.end());
  }
  if (s.lifetime) {
    auto block = BlockText(absl::StrCat("Lifetime (", s.lifetime->runs, " runs since ", UtcTime(s.lifetime->first_ms), "):"),
                           *s.lifetime);
    out.insert(out.end(), block.begin(), block.end());
  }
  if (out.empty()) out.push_back("No statistics recorded yet.");
  return out;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", v, kUnits[unit]);
}

}  // namespace leancache::stats
