#include "daemon/commands/verify_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/workspace/cache_dir.h"
#include "common/workspace/workspace.h"
#include "daemon/commands/command_word.h"
#include "daemon/project/project_keys.h"
#include "daemon/project/request_env.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/store/blob_store.h"
#include "daemon/verify/artifact_check.h"
#include "daemon/verify/blob_check.h"
#include "daemon/verify/report.h"

namespace leancache::commands {
namespace {

unsigned CheckThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp(n, 1u, 4u);
}

bool FileExists(const std::filesystem::path& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

}  // namespace

void RunVerify(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink) {
  if (!AcceptCommand(request, {"verify"}, sink)) return;
  auto req = project::ParseRequestEnv(request.invocation());
  if (!req.ok()) {
    sink.Err(std::string(req.status().message()));
    return sink.Done(1);
  }
  const bool repair = req->options.count("repair") > 0;
  const bool cache_only = req->options.count("cache-only") > 0;
  const std::filesystem::path cache_dir = workspace::ResolveCacheDir(req->env);

  auto store = store::BlobStore::Open(cache_dir, state.local.index);
  if (!store.ok()) {
    sink.Err(absl::StrCat("leancache verify: ", store.status().message()));
    return sink.Done(1);
  }
  // A CACHEDIR this index has never seen (new or rebuilt index) is indexed first, as by any
  // command; verify then re-reads every archive anyway.
  if (auto scan = (*store)->EnsureScanned(); !scan.ok()) {
    sink.Err(absl::StrCat("leancache verify: cannot index ", cache_dir.string(), ": ", scan.status().message()));
    return sink.Done(1);
  } else if (scan->scanned) {
    sink.Out(absl::StrCat("Indexed ", cache_dir.string(), " first: ", scan->indexed, " archive(s)"));
  }

  verify::CheckOptions cache_options;
  cache_options.repair = repair;
  cache_options.threads = CheckThreads();
  cache_options.cancelled = [&sink] { return sink.cancelled(); };
  auto cache = verify::CheckCacheDir(**store, cache_options);
  if (!cache.ok()) {
    sink.Err(absl::StrCat("leancache verify: ", cache.status().message()));
    return sink.Done(absl::IsCancelled(cache.status()) ? 130 : 1);
  }
  for (const auto& line : verify::CacheReportLines(*cache, repair)) sink.Out(line);

  verify::ProjectScope scope;
  scope.project_root = req->project_root.string();
  std::optional<verify::ArtifactReport> artifacts;
  if (cache_only) {
    scope.skipped_reason = "--cache-only";
  } else if (auto ws = workspace::Workspace::Open(req->project_root, req->env); !ws.ok()) {
    scope.skipped_reason = absl::StrCat("not a Lean project: ", ws.status().message());
    sink.Out(absl::StrCat("Unpacked artifacts not checked: ", scope.project_root, " is ",
                          scope.skipped_reason));
  } else {
    auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
    if (!project.ok()) return sink.Fail(project.status());
    std::vector<verify::ModuleTarget> targets;
    const auto& mathlib_dir = project->workspace->mathlib_dir();
    scope.modules = project->scope.size();
    for (const auto* entry : project->scope) {
      std::filesystem::path archive = (*store)->Path(entry->second.key);
      if (!FileExists(archive)) {
        ++scope.no_archive;
        continue;
      }
      if (!get::AlreadyUnpacked(archive, entry->second, *state.local.dep_hashes)) {
        ++scope.not_unpacked;
        continue;
      }
      targets.push_back({entry->first, archive,
                         get::UnpackBase(entry->second, project->request.project_root, mathlib_dir)});
    }
    verify::ArtifactCheckOptions artifact_options;
    artifact_options.repair = repair;
    artifact_options.threads = CheckThreads();
    artifact_options.cancelled = [&sink] { return sink.cancelled(); };
    auto checked = verify::CheckArtifacts(targets, artifact_options);
    if (!checked.ok()) {
      sink.Err(absl::StrCat("leancache verify: ", checked.status().message()));
      return sink.Done(absl::IsCancelled(checked.status()) ? 130 : 1);
    }
    for (const auto& line : verify::ArtifactReportLines(scope, *checked, repair)) sink.Out(line);
    artifacts = std::move(*checked);
  }

  size_t unresolved = verify::UnresolvedProblems(*cache, artifacts, repair);
  int exit_code = unresolved == 0 ? 0 : 1;
  if (unresolved == 0) {
    sink.Out(repair && (!cache->problems.empty() || (artifacts && artifacts->modules_with_problems > 0))
                 ? "Verify: everything found was repaired"
                 : "Verify: no problems found");
  } else {
    sink.Err(absl::StrCat("Verify: ", unresolved, " problem(s)",
                          repair ? " could not be repaired" : "; `leancache verify --repair` removes corrupt archives and unpacks damaged modules again"));
  }
  sink.Done(exit_code, verify::ReportJson(*cache, scope, artifacts, repair, exit_code).dump());
}

}  // namespace leancache::commands
