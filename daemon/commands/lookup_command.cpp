#include "daemon/commands/lookup_command.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/keys/archive_name.h"
#include "common/ltar/archive.h"
#include "daemon/project/project_keys.h"

namespace leancache::commands {

void RunLookup(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink) {
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  std::vector<std::string> roots = project->roots;
  if (roots.empty()) roots.push_back("Mathlib");
  int exit_code = 0;
  v1::Event event;
  auto* result = event.mutable_lookup();
  for (const auto& module : roots) {
    auto it = project->keys->modules.find(module);
    if (it == project->keys->modules.end()) {
      sink.Err(absl::StrCat(module, " is not covered by the olean cache."));
      exit_code = 1;
      continue;
    }
    std::filesystem::path archive = project->cache_dir / keys::ArchiveName(it->second.key);
    sink.Out(absl::StrCat(module, ": ", archive.string()));
    auto* entry = result->add_entries();
    entry->set_module(module);
    entry->set_archive_path(archive.string());
    std::error_code ec;
    if (!std::filesystem::exists(archive, ec)) {
      sink.Err(absl::StrCat(archive.string(), " not found"));
      exit_code = 1;
      continue;
    }
    entry->set_present(true);
    auto parsed = ltar::Archive::ReadFile(archive.string());
    if (!parsed.ok()) {
      sink.Err(std::string(parsed.status().message()));
      exit_code = 1;
      continue;
    }
    for (const auto& line : parsed->comments()) {
      sink.Out(absl::StrCat("  comment: ", line));
      entry->add_comments(line);
    }
  }
  sink.Send(event);
  sink.Done(exit_code);
}

}  // namespace leancache::commands
