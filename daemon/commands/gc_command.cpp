#include "daemon/commands/gc_command.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "common/workspace/cache_dir.h"
#include "daemon/commands/command_word.h"
#include "daemon/project/request_env.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/evict/output_store_usage.h"
#include "daemon/evict/project_usage.h"
#include "daemon/index/index.h"
#include "daemon/sources/config.h"
#include "daemon/stats/stats_book.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"

namespace leancache::commands {

void RunGc(const core::DaemonState& state, const v1::CommandRequest& request,
           core::EventSink& sink) {
  if (!AcceptCommand(request, {"gc"}, sink) || !AcceptNoArguments(request, sink)) return;
  auto fail = [&sink](std::string_view message) {
    sink.Err(absl::StrCat("leancache gc: ", absl::string_view(message.data(), message.size())));
    sink.Done(1);
  };
  const auto& options = request.invocation().options();
  for (const auto& [name, value] : options) {
    if (name != "max-size") return fail(absl::StrCat("unknown option --", name, " (accepted: --max-size=SIZE, --json)"));
  }
  auto env = project::ParseRequestEnv(request.invocation());
  if (!env.ok()) return fail(std::string(env.status().message()));
  absl::StatusOr<uint64_t> cap = options.count("max-size")
                                     ? sources::ParseByteSize(options.at("max-size"), "--max-size")
                                     : sources::EffectiveCacheCap(*state.network.config, env->env);
  if (!cap.ok()) return fail(std::string(cap.status().message()));
  if (state.local.quota == nullptr) return fail("the daemon has no cache accountant");
  auto store = store::BlobStore::Open(workspace::ResolveCacheDir(env->env), state.local.index);
  if (!store.ok()) return fail(std::string(store.status().message()));
  const std::string dir = (*store)->dir().string();
  if (auto scan = (*store)->EnsureScanned(); !scan.ok()) return fail(std::string(scan.status().message()));

  // 1. Records of vanished files, stale partial downloads.
  auto blobs = state.local.index->ListBlobs(dir);
  if (!blobs.ok()) return fail(std::string(blobs.status().message()));
  std::vector<uint64_t> dangling;
  std::vector<std::pair<uint64_t, index::BlobRecord>> present;
  for (auto& [key, record] : *blobs) {
    struct stat st;
    if (::stat((*store)->Path(key).c_str(), &st) != 0) {
      dangling.push_back(key);
    } else {
      present.emplace_back(key, std::move(record));
    }
  }
  if (!dangling.empty()) {
    auto removed = state.local.index->RemoveBlobs(dir, dangling);
    if (!removed.ok()) return fail(std::string(removed.status().message()));
  }
  auto parts = (*store)->RemoveStaleParts(store::BlobStore::kStalePartAge);
  if (!parts.ok()) return fail(std::string(parts.status().message()));

  // 2. Under the cap.
  evict::EvictReport report;
  size_t projects = 0;
  std::vector<std::string> notes;
  uint64_t total = 0;
  for (const auto& [key, record] : present) total += record.size;
  if (*cap > 0 && total > *cap) {
    auto used = evict::KeysStillUsed(state.local, present, "", env->env);
    projects = used.projects.size();
    notes = std::move(used.notes);
    auto evicted = state.local.quota->EvictTo(**store, *cap, [&used](uint64_t key, const index::BlobRecord&) {
      return used.keys.count(key) > 0;
    });
    if (!evicted.ok()) return fail(std::string(evicted.status().message()));
    report = *evicted;
  }
  auto usage = state.local.quota->UsageOf(**store);
  if (!usage.ok()) return fail(std::string(usage.status().message()));
  // [output store] orphans out; under a cap the store gets what the archives leave free.
  const uint64_t archive_total = usage->archive_bytes + usage->reserved_bytes;
  auto pruned = evict::PruneOutputStore(*state.local.index, *state.network.config, env->env, dir,
                                        *cap == 0 ? UINT64_MAX : *cap > archive_total ? *cap - archive_total : 0);
  if (!pruned.ok()) sink.Err(absl::StrCat("leancache gc: output store: ", pruned.status().message()));

  for (const auto& n : notes) sink.Err(n);
  std::string line = absl::StrCat("gc: ", dir, ": evicted ", report.archives, " archive(s) (",
                                  stats::HumanBytes(report.bytes), ")");
  if (report.used_by_projects > 0) absl::StrAppend(&line, ", ", report.used_by_projects, " of them used by projects");
  absl::StrAppend(&line, "; removed ", *parts, " stale partial download(s) and ", dangling.size(),
                  " record(s) of missing files; now ", usage->archives, " archives, ",
                  stats::HumanBytes(usage->archive_bytes));
  absl::StrAppend(&line, *cap == 0 ? " (no size cap set)" : absl::StrCat(" of a ", stats::HumanBytes(*cap), " cap"));
  if (pruned.ok()) absl::StrAppend(&line, evict::OutputStoreNote(*pruned));
  if (!report.reached_target) {
    absl::StrAppend(&line, " (", report.pinned_skipped, " archive(s) in use by running requests were kept)");
  }
  if (!request.invocation().json()) sink.Out(line);
  nlohmann::json summary = {{"cache_dir", dir},
                            {"size_cap", *cap},
                            {"archives_evicted", report.archives},
                            {"bytes_evicted", report.bytes},
                            {"evicted_used_by_projects", report.used_by_projects},
                            {"pinned_kept", report.pinned_skipped},
                            {"projects_considered", projects},
                            {"stale_parts_removed", *parts},
                            {"dangling_records_removed", dangling.size()},
                            {"archives", usage->archives},
                            {"archive_bytes", usage->archive_bytes},
                            {"under_cap", *cap == 0 || usage->archive_bytes + usage->reserved_bytes <= *cap}};
  if (pruned.ok() && *pruned) {
    summary["output_store_entries_removed"] = (*pruned)->entries;
    summary["output_store_bytes"] = (*pruned)->left.bytes;
  }
  sink.Done(report.reached_target ? 0 : 1, summary.dump());
}

}  // namespace leancache::commands
