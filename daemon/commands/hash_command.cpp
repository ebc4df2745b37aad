#include "daemon/commands/hash_command.h"

#include "absl/strings/str_format.h"
#include "daemon/project/project_keys.h"
#include "common/hash/lean_hash.h"

namespace leancache::commands {

void RunHash(const core::DaemonState& state, const v1::CommandRequest& request,
             core::EventSink& sink) {
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  v1::Event event;
  auto* result = event.mutable_hash();
  result->set_root_hash(project->keys->root_hash);
  result->set_root_hash_generation(static_cast<uint32_t>(project->keys->generation));
  result->set_mathlib_dir(project->workspace->mathlib_dir().string());
  for (const auto* item : project->scope) {  // sorted by module name
    const auto& [module, entry] = *item;
    auto* key = result->add_keys();
    key->set_module(module);
    key->set_key(entry.key);
    key->set_hash16(hash::Hex16(entry.key));
  }
  sink.Send(event);
  sink.Done(0);
}

}  // namespace leancache::commands
