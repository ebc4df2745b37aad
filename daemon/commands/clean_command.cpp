#include "daemon/commands/clean_command.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "daemon/commands/command_word.h"
#include "common/keys/archive_name.h"
#include "daemon/project/project_keys.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/evict/output_store_usage.h"
#include "daemon/evict/project_usage.h"
#include "daemon/index/index.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace leancache::commands {

void RunClean(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink) {
  if (!AcceptCommand(request, {"clean", "clean!"}, sink) || !AcceptNoArguments(request, sink)) return;
  const std::string& word = request.command();
  // The original hashes even for clean!
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  auto store = store::BlobStore::Open(project->cache_dir, state.local.index);
  if (!store.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", store.status().message()));
    return sink.Done(1);
  }
  if (auto scanned = (*store)->EnsureScanned(); !scanned.ok()) {
    spdlog::warn("clean: scanning {} failed: {}", (*store)->dir().string(), std::string(scanned.status().message()));
  }

  std::set<uint64_t> keep;
  size_t kept_for_others = 0;
  std::vector<std::string> notes;
  if (word == "clean") {
    for (const auto& [module, entry] : project->keys->modules) keep.insert(entry.key);
    auto blobs = state.local.index->ListBlobs((*store)->dir().string());
    if (blobs.ok()) {
      // The cross-project rule is shared with gc's eviction ranking (daemon/evict).
      auto used = evict::KeysStillUsed(state.local, *blobs, project->request.project_root.string(),
                                       project->request.env);
      for (uint64_t k : used.keys) kept_for_others += keep.insert(k).second;
      notes = std::move(used.notes);
    }
  }

  evict::CacheQuota* quota = state.local.quota;  // its pins: archives running requests use
  size_t deleted = 0;
  uint64_t freed = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator((*store)->dir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".ltar") continue;
    auto key = keys::KeyFromFileName(it->path().filename().string());
    bool top_level = it->path().parent_path() == (*store)->dir();
    if (key && keep.count(*key)) continue;
    if (key && top_level && quota != nullptr && quota->IsPinned(**store, *key)) continue;  // a request uses it
    uint64_t size = it->file_size(ec);
    if (key && top_level) {
      if (auto st = (*store)->Remove(*key); !st.ok()) {
        sink.Err(absl::StrCat("cannot delete ", it->path().string(), ": ", st.message()));
        continue;
      }
    } else if (!std::filesystem::remove(it->path(), ec)) {
      continue;
    }
    ++deleted;
    freed += size;
  }
  for (const auto& n : notes) sink.Err(n);
  // [output store] entries of the archives just deleted go too.
  auto pruned = evict::PruneOutputStore(*state.local.index, *state.network.config, project->request.env,
                                        (*store)->dir().string(), UINT64_MAX);
  if (!pruned.ok()) sink.Err(absl::StrCat("output store: ", pruned.status().message()));
  nlohmann::json summary = {{"deleted", deleted},
                            {"bytes_freed", freed},
                            {"kept_for_other_projects", kept_for_others}};
  if (pruned.ok() && *pruned) summary["output_store_entries_removed"] = (*pruned)->entries;
  sink.Done(0, summary.dump());
}

}  // namespace leancache::commands
