#include "daemon/editor/file_status.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/keys/source_reader.h"
#include "daemon/editor/editor_project.h"
#include "daemon/editor/file_state.h"
#include "daemon/editor/path_to_module.h"
#include "daemon/editor/remote_probe.h"
#include "daemon/index/memo_source_reader.h"
#include "daemon/store/blob_store.h"
#include "spdlog/spdlog.h"

namespace leancache::editor {


absl::StatusOr<v1::FileStatusReply> ComputeFileStatus(const core::LocalCache& local,
                                                      const core::Network& network,
                                                      const v1::FileStatusRequest& request) {
  if (request.paths().empty()) return absl::InvalidArgumentError("FileStatus needs at least one path");
  auto project = project::Open(request.invocation());
  if (!project.ok()) return project.status();
  const auto& ws = *project->workspace;

  v1::FileStatusReply reply;
  std::vector<std::optional<std::string>> modules;  // per path; nullopt: not in the project
  std::vector<std::string> wanted;
  for (const auto& path : request.paths()) {
    auto* file = reply.add_files();
    file->set_path(path);
    auto module = ModuleOfPath(ws, path, project->request.client_cwd);
    if (!module.ok()) {
      file->set_problem(v1::PROBLEM_NOT_IN_PROJECT);
      file->set_reason(std::string(module.status().message()));
      modules.emplace_back();
      continue;
    }
    modules.emplace_back(*module);
    wanted.push_back(*module);
  }

  auto store = store::BlobStore::Open(project->cache_dir, local.index);
  store::BlobStore* blobs = store.ok() ? store->get() : nullptr;
  if (!store.ok()) spdlog::warn("FileStatus: cannot open CACHEDIR: {}", store.status().ToString());
  if (blobs != nullptr) {
    if (auto scan = blobs->EnsureScanned(); !scan.ok()) {
      spdlog::warn("scan of {} failed: {}", project->cache_dir.string(), scan.status().ToString());
    }
  }
  keys::FileSourceReader disk;
  index::MemoSourceReader memo(local.index, &disk);

  // One graph for every file when the project hashes; otherwise one per file.
  std::shared_ptr<const keys::KeyResult> shared_graph;
  if (!wanted.empty()) {
    auto graph = EditorKeys(local, *project, {});
    if (graph.ok()) {
      std::vector<std::string> extra;
      for (const auto& m : wanted) {
        if (!(*graph)->modules.count(m) &&
            std::find((*graph)->unhashed.begin(), (*graph)->unhashed.end(), m) == (*graph)->unhashed.end()) {
          extra.push_back(m);
        }
      }
      if (!extra.empty()) graph = EditorKeys(local, *project, extra);
    }
    if (graph.ok()) shared_graph = *graph;
  }
  std::optional<StateContext> shared_ctx;
  if (shared_graph) shared_ctx = MakeStateContext(ws, *shared_graph, blobs, local.dep_hashes, &memo);
  if (shared_graph) reply.set_root_hash(shared_graph->root_hash);

  for (int i = 0; i < reply.files_size(); ++i) {
    if (!modules[i]) continue;
    auto* file = reply.mutable_files(i);
    if (shared_ctx) {
      FillFileState(*shared_ctx, *modules[i], file);
      continue;
    }
    auto own = EditorKeys(local, *project, {*modules[i]});
    if (!own.ok()) {
      FillKeyError(*modules[i], own.status(), file);
      continue;
    }
    auto ctx = MakeStateContext(ws, **own, blobs, local.dep_hashes, &memo);
    FillFileState(ctx, *modules[i], file);
    if (reply.root_hash() == 0) reply.set_root_hash((*own)->root_hash);
  }

  if (request.check_remote()) {
    RemoteProbeRequest probe;
    probe.mathlib_dir = ws.mathlib_dir();
    std::error_code ec;
    probe.is_mathlib_root = std::filesystem::exists(ws.root() / "Mathlib", ec);
    probe.options = project->request.options;
    probe.env = project->request.env;
    std::set<std::string> hashes;
    for (const auto& f : reply.files()) {
      if (!f.hash16().empty()) hashes.insert(f.hash16());
    }
    probe.hash16s.assign(hashes.begin(), hashes.end());
    auto remote = ProbeRemote(network, probe);
    if (!remote.ok()) {
      spdlog::warn("FileStatus: remote check skipped: {}", remote.status().ToString());
    } else {
      for (auto& f : *reply.mutable_files()) {
        if (f.hash16().empty()) continue;
        ApplyRemoteState(remote->at(f.hash16()), &f);
      }
    }
  }
  return reply;
}

}  // namespace leancache::editor
