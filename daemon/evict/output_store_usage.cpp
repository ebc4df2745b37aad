#include "daemon/evict/output_store_usage.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/index/index.h"
#include "daemon/outstore/store_settings.h"
#include "daemon/sources/config.h"
#include "daemon/stats/stats_book.h"

namespace leancache::evict {

absl::StatusOr<std::optional<outstore::PruneReport>> PruneOutputStore(
    index::Index& index, const sources::Config& config, const std::map<std::string, std::string>& env,
    const std::string& cache_dir, uint64_t room_bytes) {
  auto settings = outstore::ResolveStoreSettings(config.extra, env);
  if (!settings.ok()) return settings.status();
  std::error_code ec;
  if (settings->root.empty() || !std::filesystem::is_directory(settings->root / "objects", ec)) {
    return std::optional<outstore::PruneReport>();
  }
  auto store = outstore::OutputStore::At(settings->root);
  if (!store.ok()) return store.status();
  auto blobs = index.ListBlobs(cache_dir);
  if (!blobs.ok()) return blobs.status();
  std::set<std::string> live;
  for (const auto& [key, record] : *blobs) {
    live.insert(absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(record.sha256.data()), record.sha256.size())));
  }
  auto report = outstore::Prune(**store, [&live](const std::string& sha) { return live.count(sha) == 0; },
                                room_bytes);
  if (!report.ok()) return report.status();
  return std::optional<outstore::PruneReport>(*report);
}

std::string OutputStoreNote(const std::optional<outstore::PruneReport>& report) {
  if (!report) return "";
  return absl::StrCat("; output store: removed ", report->entries, " entr", report->entries == 1 ? "y" : "ies", " (",
                      stats::HumanBytes(report->bytes), "), ", report->left.entries, " left (",
                      stats::HumanBytes(report->left.bytes), ")");
}

}  // namespace leancache::evict
