#include "daemon/editor/project_snapshot.h"

#include "common/keys/source_reader.h"
#include "daemon/editor/file_state.h"
#include "daemon/index/memo_source_reader.h"

namespace leancache::editor {

absl::StatusOr<ProjectSnapshot> TakeSnapshot(const core::LocalCache& local, const project::OpenProject& project,
                                             store::BlobStore* store, const std::set<std::string>& extra_roots) {
  auto graph = EditorKeys(local, project, std::vector<std::string>(extra_roots.begin(), extra_roots.end()));
  if (!graph.ok()) return graph.status();
  const auto& ws = *project.workspace;
  keys::FileSourceReader disk;
  index::MemoSourceReader memo(local.index, &disk);
  auto ctx = MakeStateContext(ws, **graph, store, local.dep_hashes, &memo);
  ProjectSnapshot snap;
  snap.root_hash = (*graph)->root_hash;
  auto add = [&](const std::string& module) {
    if (snap.modules.count(module)) return;
    v1::FileState& fs = snap.modules[module];
    if (auto it = (*graph)->modules.find(module); it != (*graph)->modules.end()) {
      fs.set_path(it->second.source.string());
    } else if (auto resolved = ws.ResolveModule(module); resolved.ok()) {
      fs.set_path(resolved->source.string());
    }
    FillFileState(ctx, module, &fs);
  };
  for (const auto& [module, entry] : (*graph)->modules) add(module);
  for (const auto& module : (*graph)->unhashed) add(module);
  for (const auto& module : extra_roots) add(module);
  return snap;
}

bool SameState(const v1::FileState& a, const v1::FileState& b) {
  return a.key() == b.key() && a.archive_local() == b.archive_local() && a.unpacked() == b.unpacked() &&
         a.problem() == b.problem() && a.reason() == b.reason();
}

std::vector<v1::FileState> ChangedStates(const ProjectSnapshot& before, const ProjectSnapshot& now) {
  std::vector<v1::FileState> out;
  for (const auto& [module, state] : now.modules) {
    auto it = before.modules.find(module);
    if (it == before.modules.end() || !SameState(it->second, state)) out.push_back(state);
  }
  for (const auto& [module, state] : before.modules) {
    if (now.modules.count(module)) continue;
    v1::FileState gone;
    gone.set_path(state.path());
    gone.set_module(module);
    gone.set_problem(v1::PROBLEM_NOT_IN_PROJECT);
    gone.set_reason("no longer part of the project's import graph");
    out.push_back(std::move(gone));
  }
  std::sort(out.begin(), out.end(), [](const v1::FileState& a, const v1::FileState& b) { return a.module() < b.module(); });
  return out;
}

}  // namespace leancache::editor
