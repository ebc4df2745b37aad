#include "daemon/service/watch_service.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/editor/editor_project.h"
#include "daemon/editor/file_state.h"
#include "daemon/editor/path_to_module.h"
#include "daemon/core/progress_hub.h"
#include "daemon/editor/project_snapshot.h"
#include "daemon/editor/project_watcher.h"
#include "daemon/store/blob_store.h"
#include "spdlog/spdlog.h"

namespace leancache::service {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(100);

grpc::Status ToGrpc(const absl::Status& st) {
  auto code = st.code() == absl::StatusCode::kResourceExhausted ? grpc::StatusCode::RESOURCE_EXHAUSTED
              : st.code() == absl::StatusCode::kInternal        ? grpc::StatusCode::INTERNAL
                                                                 : grpc::StatusCode::INVALID_ARGUMENT;
  return grpc::Status(code, std::string(st.message()));
}

bool IsLeanFile(const std::filesystem::path& p) { return p.extension() == ".lean"; }

// One Watch stream's state.
class WatchSession {
 public:
  WatchSession(const core::LocalCache& local, const core::JobObservers& observers, grpc::ServerContext* context,
               grpc::ServerWriter<v1::WatchEvent>* writer, project::OpenProject project, store::BlobStore* store)
      : local_(local), observers_(observers), context_(context), writer_(writer), project_(std::move(project)),
        store_(store) {}

  grpc::Status Run() {
    std::unique_ptr<core::ProgressHub::Subscription> sub;
    core::ProgressHub* hub = observers_.progress_hub;
    if (hub != nullptr) sub = hub->Subscribe(project_.request.project_root.string());
    auto watcher = editor::ProjectWatcher::Start({project_.request.project_root}, {project_.cache_dir});
    if (!watcher.ok()) return ToGrpc(watcher.status());
    auto first = editor::TakeSnapshot(local_, project_, store_, extra_roots_);
    if (first.ok()) snapshot_ = std::move(*first);
    else spdlog::info("watch {}: keys not computable yet: {}", project_.request.project_root.string(), first.status().ToString());

    v1::WatchEvent ready;
    ready.set_ready(project_.request.project_root.string());
    if (!writer_->Write(ready)) return grpc::Status::OK;

    while (!context_->IsCancelled() && !(sub && sub->closed())) {
      auto batch = watcher->Wait(kPoll);
      if (!batch.ok()) return ToGrpc(batch.status());
      bool rescan = !batch->paths.empty() || batch->overflow;
      if (sub) {
        for (auto& progress : sub->Drain()) {
          if (progress.phase() == "done") rescan = true;
          v1::WatchEvent ev;
          *ev.mutable_progress() = std::move(progress);
          if (!writer_->Write(ev)) return grpc::Status::OK;
        }
      }
      if (rescan && !Rescan(batch->paths)) return grpc::Status::OK;
    }
    return grpc::Status::OK;
  }

 private:
  // Recomputes the states and sends the changed ones. False when the client is gone.
  bool Rescan(const std::set<std::filesystem::path>& changed) {
    std::vector<std::string> changed_modules;
    for (const auto& path : changed) {
      if (!IsLeanFile(path)) continue;
      auto module = editor::ModuleOfPath(*project_.workspace, path.string(), project_.request.project_root);
      if (!module.ok()) continue;
      changed_modules.push_back(*module);
      if (!snapshot_.modules.count(*module)) extra_roots_.insert(*module);
    }
    auto now = editor::TakeSnapshot(local_, project_, store_, extra_roots_);
    if (!now.ok()) {
      // The graph cannot be hashed (typically a header being typed): report the edited files,
      // keep the last good states of everything else.
      std::vector<v1::FileState> out;
      for (const auto& module : changed_modules) {
        v1::FileState fs = snapshot_.modules.count(module) ? snapshot_.modules[module] : v1::FileState();
        if (auto resolved = project_.workspace->ResolveModule(module); resolved.ok()) fs.set_path(resolved->source.string());
        v1::FileState updated = fs;
        editor::FillKeyError(module, now.status(), &updated);
        if (editor::SameState(fs, updated) && snapshot_.modules.count(module)) continue;
        snapshot_.modules[module] = updated;
        out.push_back(updated);
      }
      return Send(out);
    }
    auto changes = editor::ChangedStates(snapshot_, *now);
    snapshot_ = std::move(*now);
    // The files just edited first: an edit deep in the graph changes thousands of dependents,
    // and the editor is waiting for the file it saved.
    std::stable_partition(changes.begin(), changes.end(), [&changed_modules](const v1::FileState& fs) {
      return std::find(changed_modules.begin(), changed_modules.end(), fs.module()) != changed_modules.end();
    });
    return Send(changes);
  }

  // Writes the states; all but the last of a batch with the buffer hint, so thousands of
  // changes go out in a few large writes instead of one round of flow control each.
  bool Send(const std::vector<v1::FileState>& states) {
    for (size_t i = 0; i < states.size(); ++i) {
      v1::WatchEvent ev;
      *ev.mutable_file() = states[i];
      grpc::WriteOptions options;
      if (i + 1 < states.size()) options.set_buffer_hint();
      if (!writer_->Write(ev, options)) return false;
    }
    return true;
  }

  const core::LocalCache& local_;        // key graphs, archives, unpacked state
  const core::JobObservers& observers_;  // the progress of gets on this project
  grpc::ServerContext* context_;
  grpc::ServerWriter<v1::WatchEvent>* writer_;
  project::OpenProject project_;
  store::BlobStore* store_;
  std::set<std::string> extra_roots_;
  editor::ProjectSnapshot snapshot_;
};

}  // namespace

grpc::Status RunWatch(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::WatchRequest& request, grpc::ServerWriter<v1::WatchEvent>* writer) {
  auto project = project::Open(request.invocation());
  if (!project.ok()) return ToGrpc(absl::InvalidArgumentError(project.status().message()));
  auto store = store::BlobStore::Open(project->cache_dir, state.local.index);
  if (!store.ok()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("cannot open CACHEDIR: ", store.status().message()));
  }
  WatchSession session(state.local, state.observers, context, writer, std::move(*project), store->get());
  return session.Run();
}

}  // namespace leancache::service
