#include "daemon/commands/clean_command.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "daemon/commands/command_word.h"
#include "common/keys/archive_name.h"
#include "common/keys/source_reader.h"
#include "daemon/commands/project_keys.h"
#include "daemon/index/index.h"
#include "daemon/index/memo_source_reader.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace leancache::commands {
namespace {

// Every key of another project's current graph; error if it cannot be computed.
absl::StatusOr<std::set<uint64_t>> KeysOfProject(const service::DaemonState& state,
                                                 const std::string& root,
                                                 const std::map<std::string, std::string>& env) {
  auto forwarded = env;
  forwarded.erase("LEAN_SRC_PATH");  // the caller's search path belongs to the caller's project
  auto ws = workspace::Workspace::Open(root, forwarded);
  if (!ws.ok()) return ws.status();
  keys::FileSourceReader disk;
  index::MemoSourceReader memo(state.index, &disk);
  auto result = keys::ComputeKeys(*ws, {}, memo, keys::RootHashOptions());
  if (!result.ok()) return result.status();
  std::set<uint64_t> out;
  for (const auto& [module, entry] : result->modules) out.insert(entry.key);
  return out;
}

}  // namespace

void RunClean(const service::DaemonState& state, const v1::CommandRequest& request,
              service::EventSink& sink) {
  if (!AcceptCommand(request, {"clean", "clean!"}, sink) || !AcceptNoArguments(request, sink)) return;
  const std::string& word = request.command();
  auto project = ComputeProjectKeys(state, request, sink);  // the original hashes even for clean!
  if (!project) return;
  auto store = store::BlobStore::Open(project->cache_dir, state.index);
  if (!store.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", store.status().message()));
    return sink.Done(1);
  }
  (void)(*store)->EnsureScanned();

  std::set<uint64_t> keep;
  size_t kept_for_others = 0;
  std::vector<std::string> notes;
  if (word == "clean") {
    for (const auto& [module, entry] : project->keys->modules) keep.insert(entry.key);
    auto blobs = state.index->ListBlobs((*store)->dir().string());
    std::set<std::string> others;
    if (blobs.ok()) {
      for (const auto& [key, record] : *blobs) {
        for (const auto& user : record.users) {
          if (user != project->request.project_root.string()) others.insert(user);
        }
      }
    }
    for (const auto& other : others) {
      std::error_code ec;
      if (!std::filesystem::is_directory(other, ec)) continue;  // gone: uses nothing
      auto theirs = KeysOfProject(state, other, project->request.env);
      if (theirs.ok()) {
        for (uint64_t k : *theirs) kept_for_others += keep.insert(k).second;
        continue;
      }
      notes.push_back(absl::StrCat("note: keeping the archives last used by ", other,
                                   " (its keys cannot be computed: ", theirs.status().message(), ")"));
      for (const auto& [key, record] : *blobs) {
        if (record.users.count(other)) kept_for_others += keep.insert(key).second;
      }
    }
  }

  size_t deleted = 0;
  uint64_t freed = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator((*store)->dir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".ltar") continue;
    auto key = keys::KeyFromFileName(it->path().filename().string());
    bool top_level = it->path().parent_path() == (*store)->dir();
    if (key && keep.count(*key)) continue;
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
  nlohmann::json summary = {{"deleted", deleted},
                            {"bytes_freed", freed},
                            {"kept_for_other_projects", kept_for_others}};
  sink.Done(0, summary.dump());
}

}  // namespace leancache::commands
