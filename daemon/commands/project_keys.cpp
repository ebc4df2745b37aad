#include "daemon/commands/project_keys.h"

#include "absl/strings/str_cat.h"
#include "common/keys/source_reader.h"
#include "common/workspace/cache_dir.h"
#include "common/workspace/module_args.h"
#include "daemon/index/memo_source_reader.h"
#include "spdlog/spdlog.h"

namespace leancache::commands {

std::optional<ProjectKeys> ComputeProjectKeys(const service::DaemonState& state,
                                              const v1::CommandRequest& request,
                                              service::EventSink& sink) {
  auto fail = [&sink](const std::string& message) -> std::optional<ProjectKeys> {
    sink.Err(message);
    sink.Done(1);
    return std::nullopt;
  };
  auto req = ParseRequestEnv(request.invocation());
  if (!req.ok()) return fail(std::string(req.status().message()));

  ProjectKeys out;
  out.request = *req;
  out.cache_dir = workspace::ResolveCacheDir(out.request.env);

  auto ws = workspace::Workspace::Open(out.request.project_root, out.request.env);
  if (!ws.ok()) return fail(absl::StrCat("uncaught exception: ", ws.status().message()));
  out.workspace.emplace(std::move(*ws));

  std::vector<std::string> arg_messages;
  std::vector<std::string> args(request.invocation().args().begin(), request.invocation().args().end());
  auto roots = workspace::ResolveModuleArgs(*out.workspace, args, out.request.client_cwd, &arg_messages);
  for (const auto& line : arg_messages) sink.Out(line);
  if (!roots.ok()) return fail(std::string(roots.status().message()));
  out.roots = *roots;

  keys::FileSourceReader disk;
  index::MemoSourceReader memo(state.index, &disk);
  keys::RootHashOptions root_options;
  if (auto it = out.request.options.find("root-hash-generation"); it != out.request.options.end()) {
    uint64_t g = 0;
    if (!absl::SimpleAtoi(it->second, &g)) {
      return fail(absl::StrCat("Invalid argument: --root-hash-generation=", it->second,
                               " (expected a number)"));
    }
    root_options.generation = g;
  }
  if (auto it = out.request.options.find("githash"); it != out.request.options.end()) {
    root_options.githash = it->second;
  }
  auto result = keys::ComputeKeys(*out.workspace, out.roots, memo, root_options);
  if (auto flushed = memo.Flush(); !flushed.ok()) {
    spdlog::warn("could not record file hashes in the index: {}", flushed.ToString());
  }
  if (!result.ok()) return fail(absl::StrCat("uncaught exception: ", result.status().message()));
  out.keys = std::move(*result);
  for (const auto& line : out.keys.stdout_lines) sink.Out(line);
  if (out.roots.empty()) {
    out.scope = out.keys.modules;
  } else {
    out.scope = keys::ClosureOf(out.keys, out.roots);
  }
  return out;
}

}  // namespace leancache::commands
