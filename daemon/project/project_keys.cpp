#include "daemon/project/project_keys.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/keys/source_reader.h"
#include "common/workspace/cache_dir.h"
#include "common/workspace/module_args.h"
#include "daemon/index/memo_source_reader.h"
#include "daemon/keycache/project_key_cache.h"
#include "spdlog/spdlog.h"

namespace leancache::project {

absl::StatusOr<std::shared_ptr<const keys::KeyResult>> CachedKeyGraph(
    const core::DaemonState& state, const RequestEnv& request, const workspace::Workspace& ws,
    const std::vector<std::string>& roots, const keys::RootHashOptions& options) {
  keycache::CacheKey cache_key;
  cache_key.project_root = request.project_root.string();
  if (auto it = request.env.find("LEAN_SRC_PATH"); it != request.env.end()) {
    cache_key.lean_src_path = it->second;
  }
  cache_key.extra_roots = roots;
  std::sort(cache_key.extra_roots.begin(), cache_key.extra_roots.end());
  cache_key.options = absl::StrCat(options.generation ? absl::StrCat(*options.generation) : "-", "/",
                                   options.githash.value_or("-"));
  if (state.key_cache != nullptr) {
    if (auto hit = state.key_cache->Lookup(cache_key)) return hit;
  }
  keys::FileSourceReader disk;
  index::MemoSourceReader memo(state.index, &disk);
  auto result = keys::ComputeKeys(ws, roots, memo, options);
  if (auto flushed = memo.Flush(); !flushed.ok()) {
    spdlog::warn("could not record file hashes in the index: {}", flushed.ToString());
  }
  if (!result.ok()) return result.status();
  auto graph = std::make_shared<const keys::KeyResult>(std::move(*result));
  if (state.key_cache != nullptr) state.key_cache->Store(cache_key, ws, graph);
  return graph;
}

std::optional<ProjectKeys> ComputeProjectKeys(const core::DaemonState& state,
                                              const v1::CommandRequest& request,
                                              core::EventSink& sink) {
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

  auto graph = CachedKeyGraph(state, out.request, *out.workspace, out.roots, root_options);
  if (!graph.ok()) return fail(absl::StrCat("uncaught exception: ", graph.status().message()));
  out.keys = *graph;
  for (const auto& line : out.keys->stdout_lines) sink.Out(line);
  if (out.roots.empty()) {
    out.scope.reserve(out.keys->modules.size());
    for (const auto& entry : out.keys->modules) out.scope.push_back(&entry);
  } else {
    out.scope = keys::ClosureEntries(*out.keys, out.roots);
  }
  return out;
}

}  // namespace leancache::project
