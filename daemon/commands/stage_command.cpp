#include "daemon/commands/stage_command.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "daemon/commands/command_word.h"
#include "daemon/project/project_keys.h"
#include "daemon/pack/pack_run.h"
#include "daemon/pack/staging.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"

namespace leancache::commands {
namespace {

// The --staging-dir of the request, resolved against the client's cwd; on a missing or bad
// value the message and Done are sent and nullopt returned.
std::optional<std::filesystem::path> StagingDir(const project::ProjectKeys& project, const std::string& word,
                                                core::EventSink& sink) {
  auto it = project.request.options.find("staging-dir");
  if (it == project.request.options.end()) {
    sink.Out(absl::StrCat(word, " requires --staging-dir="));
    sink.Done(0);
    return std::nullopt;
  }
  std::filesystem::path dir = project.request.client_cwd / it->second;
  if (auto st = pack::CheckStagingDir(dir); !st.ok()) {
    sink.Err(std::string(st.message()));
    sink.Done(1);
    return std::nullopt;
  }
  return dir;
}

}  // namespace

void RunStage(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink) {
  if (!AcceptCommand(request, {"stage", "stage!"}, sink)) return;
  const std::string& word = request.command();
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  auto dir = StagingDir(*project, word, sink);
  if (!dir) return;
  pack::PackRunFlags flags;
  flags.force = word == "stage!";
  flags.unpacked_only = true;
  flags.verbose = true;
  auto report = pack::RunPackStep(state.local, *project, flags, sink);
  if (!report) return;
  std::vector<std::string> names;
  for (const auto& a : report->archives) names.push_back(a.archive);
  if (auto copied = pack::StageArchives(project->cache_dir, names, *dir); !copied.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", copied.status().message()));
    return sink.Done(1);
  }
  sink.Done(0, pack::PackSummaryJson(*report, 0));
}

void RunUnstage(const core::DaemonState& state, const v1::CommandRequest& request,
                core::EventSink& sink) {
  if (!AcceptCommand(request, {"unstage", "unstage!"}, sink)) return;
  const std::string& word = request.command();
  // Arguments are parsed as modules first (a bad one is reported as such), then refused.
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  if (!AcceptNoArguments(request, sink)) return;
  auto dir = StagingDir(*project, word, sink);
  if (!dir) return;
  std::unique_ptr<store::BlobStore> blob_store;
  if (state.local.index != nullptr) {
    auto opened = store::BlobStore::Open(project->cache_dir, state.local.index);
    if (!opened.ok()) {
      sink.Err(absl::StrCat("uncaught exception: ", opened.status().message()));
      return sink.Done(1);
    }
    blob_store = std::move(*opened);
  }
  auto report = pack::UnstageArchives(*dir, project->cache_dir, word == "unstage!", blob_store.get());
  if (!report.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", report.status().message()));
    return sink.Done(1);
  }
  for (const std::string& line : report->rejected) sink.Err(absl::StrCat("skipping ", line));
  nlohmann::json summary = {{"copied", report->copied},
                            {"skipped_existing", report->skipped_existing},
                            {"rejected", report->rejected.size()},
                            {"exit_code", 0}};
  sink.Done(0, summary.dump());
}

}  // namespace leancache::commands
