#include "daemon/project/project_keys.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/keys/source_reader.h"
#include "common/workspace/module_args.h"
#include "daemon/index/memo_source_reader.h"
#include "daemon/keycache/project_key_cache.h"
#include "spdlog/spdlog.h"

namespace leancache::project {

absl::StatusOr<std::shared_ptr<const keys::KeyResult>> KeyGraph(
    const core::LocalCache& local, const workspace::Workspace& ws,
    const std::vector<std::string>& roots, const keys::RootHashOptions& options) {
  keys::FileSourceReader disk;
  index::MemoSourceReader memo(local.index, &disk);
  auto result = keys::ComputeKeys(ws, roots, memo, options);
  if (auto flushed = memo.Flush(); !flushed.ok()) {
    spdlog::warn("could not record file hashes in the index: {}", flushed.ToString());
  }
  if (!result.ok()) return result.status();
  return std::make_shared<const keys::KeyResult>(std::move(*result));
}

absl::StatusOr<std::shared_ptr<const keys::KeyResult>> CachedKeyGraph(
    const core::LocalCache& local, const RequestEnv& request, const workspace::Workspace& ws,
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
  if (local.key_cache != nullptr) {
    if (auto hit = local.key_cache->Lookup(cache_key)) return hit;
  }
  auto graph = KeyGraph(local, ws, roots, options);
  if (!graph.ok()) return graph.status();
  if (local.key_cache != nullptr) local.key_cache->Store(cache_key, ws, *graph);
  return graph;
}

namespace {

// --root-hash-generation and --githash of the request.
absl::StatusOr<keys::RootHashOptions> RootOptions(const RequestEnv& request) {
  keys::RootHashOptions root_options;
  if (auto it = request.options.find("root-hash-generation"); it != request.options.end()) {
    uint64_t g = 0;
    if (!absl::SimpleAtoi(it->second, &g)) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid argument: --root-hash-generation=", it->second,
                                                     " (expected a number)"));
    }
    root_options.generation = g;
  }
  if (auto it = request.options.find("githash"); it != request.options.end()) {
    root_options.githash = it->second;
  }
  return root_options;
}

// `status` with `prefix` before its message (same code).
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::StatusOr<ProjectKeys> ComputeProjectKeys(const core::LocalCache& local,
                                               const v1::Invocation& invocation,
                                               const std::vector<std::string>& args,
                                               core::EventSink& sink) {
  auto request = ParseRequestEnv(invocation);
  if (!request.ok()) return request.status();
  auto opened = OpenWorkspace(std::move(*request));
  if (!opened.ok()) return Prefixed(opened.status(), "uncaught exception: ");
  ProjectKeys out;
  static_cast<OpenProject&>(out) = std::move(*opened);

  std::vector<std::string> arg_messages;
  auto roots = workspace::ResolveModuleArgs(*out.workspace, args, out.request.client_cwd, &arg_messages);
  for (const auto& line : arg_messages) sink.Out(line);
  if (!roots.ok()) return roots.status();
  out.roots = *roots;

  auto root_options = RootOptions(out.request);
  if (!root_options.ok()) return root_options.status();
  auto graph = CachedKeyGraph(local, out.request, *out.workspace, out.roots, *root_options);
  if (!graph.ok()) return Prefixed(graph.status(), "uncaught exception: ");
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

absl::StatusOr<ProjectKeys> ComputeProjectKeys(const core::LocalCache& local,
                                               const v1::Invocation& invocation,
                                               core::EventSink& sink) {
  std::vector<std::string> args(invocation.args().begin(), invocation.args().end());
  return ComputeProjectKeys(local, invocation, args, sink);
}

}  // namespace leancache::project
