#include "daemon/commands/pack_command.h"

#include "daemon/commands/command_word.h"
#include "daemon/project/project_keys.h"
#include "daemon/pack/pack_run.h"

namespace leancache::commands {

void RunPack(const core::DaemonState& state, const v1::CommandRequest& request,
             core::EventSink& sink) {
  if (!AcceptCommand(request, {"pack", "pack!"}, sink)) return;
  const std::string& word = request.command();
  // Arguments are parsed as modules first (a bad one is reported as such), then refused.
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  if (!AcceptNoArguments(request, sink)) return;
  pack::PackRunFlags flags;
  flags.force = word == "pack!";
  auto report = pack::RunPackStep(state.local, *project, flags, sink);
  if (!report) return;
  sink.Done(0, pack::PackSummaryJson(*report, 0));
}

}  // namespace leancache::commands
