#include "daemon/commands/get_command.h"

#include <malloc.h>

#include <chrono>

#include "spdlog/spdlog.h"

#include "daemon/commands/command_word.h"
#include "daemon/project/project_keys.h"
#include "daemon/get/get_job.h"

namespace leancache::commands {

void RunGet(const core::DaemonState& state, const v1::CommandRequest& request,
            core::EventSink& sink) {
  get::GetFlags flags;
  const std::string& word = request.command();
  if (word == "get!") {
    flags.force_download = flags.force_unpack = true;
  } else if (word == "get-") {
    flags.unpack = false;
  } else if (!AcceptCommand(request, {"get"}, sink)) {
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  spdlog::debug("get: keys of {} modules in {:.1f} ms", project->scope.size(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  get::RunGetJob(state.local, state.network, state.observers, *project, flags, sink);
  // [memory] a get's buffers (archives, decoded outputs, per-thread arenas) go back to the
  // system instead of staying in the daemon's idle RSS.
  ::malloc_trim(0);
}

void RunUnpack(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink) {
  get::GetFlags flags;
  flags.download = false;
  const std::string& word = request.command();
  if (word == "unpack!") {
    flags.force_unpack = true;
  } else if (!AcceptCommand(request, {"unpack"}, sink)) {
    return;
  }
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  get::RunGetJob(state.local, state.network, state.observers, *project, flags, sink);
  ::malloc_trim(0);  // [memory] as after a get
}

}  // namespace leancache::commands
