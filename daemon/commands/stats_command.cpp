#include "daemon/commands/stats_command.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/workspace/cache_dir.h"
#include "daemon/commands/command_word.h"
#include "daemon/project/request_env.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/index/index.h"
#include "daemon/sources/config.h"
#include "daemon/stats/pending_runs.h"
#include "daemon/stats/stats_book.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace leancache::commands {

void RunStats(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink) {
  if (!AcceptCommand(request, {"stats"}, sink) || !AcceptNoArguments(request, sink)) return;
  for (const auto& [name, value] : request.invocation().options()) {
    if (name != "zero") {
      sink.Err(absl::StrCat("leancache stats: unknown option --", name, " (accepted: --zero, --json)"));
      return sink.Done(1);
    }
  }
  const bool zero = request.invocation().options().count("zero") > 0;
  // Runs that have answered their clients may still be writing their records.
  stats::PendingRuns* pending = state.observers.pending_runs;
  if (pending != nullptr && !pending->WaitIdle(std::chrono::seconds(5))) {
    spdlog::warn("stats: a finished run is still writing its record; showing what is written");
  }
  auto snapshot = stats::ReadStats(*state.local.index);
  if (!snapshot.ok()) {
    sink.Err(absl::StrCat("leancache stats: cannot read the statistics: ", snapshot.status().message()));
    return sink.Done(1);
  }
  nlohmann::json doc = stats::SnapshotJson(*snapshot);
  std::vector<std::string> lines = stats::SnapshotText(*snapshot);

  // The request's CACHEDIR as the bounded cache accounts it.
  doc["cache"] = nullptr;
  auto env = project::ParseRequestEnv(request.invocation());
  if (env.ok() && state.local.quota != nullptr) {
    auto cap = sources::EffectiveCacheCap(*state.network.config, env->env);
    auto store = store::BlobStore::Open(workspace::ResolveCacheDir(env->env), state.local.index);
    if (!cap.ok()) {
      sink.Err(std::string(cap.status().message()));
    } else if (store.ok()) {
      auto usage = state.local.quota->UsageOf(**store);
      if (usage.ok()) {
        doc["cache"] = {{"dir", (*store)->dir().string()},
                        {"archives", usage->archives},
                        {"archive_bytes", usage->archive_bytes},
                        {"reserved_bytes", usage->reserved_bytes},
                        {"size_cap", *cap}};
        lines.push_back(absl::StrCat("Cache: ", (*store)->dir().string(), ": ", usage->archives, " archives, ",
                                     stats::HumanBytes(usage->archive_bytes),
                                     *cap == 0 ? " (no size cap)" : absl::StrCat(" of a ", stats::HumanBytes(*cap), " cap")));
      }
    }
  }

  doc["zeroed"] = false;
  if (zero) {
    auto removed = stats::ZeroStats(*state.local.index);
    if (!removed.ok()) {
      sink.Err(absl::StrCat("leancache stats: cannot zero the statistics: ", removed.status().message()));
      return sink.Done(1);
    }
    doc["zeroed"] = true;
    lines.push_back("Statistics zeroed.");
  }
  if (!request.invocation().json()) {
    for (const auto& line : lines) sink.Out(line);
  }
  sink.Done(0, doc.dump());
}

}  // namespace leancache::commands
