#include "daemon/commands/put_command.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/keys/archive_name.h"
#include "daemon/commands/command_word.h"
#include "daemon/index/negative_cache.h"
#include "daemon/project/project_keys.h"
#include "daemon/sources/network_session.h"
#include "daemon/pack/git_state.h"
#include "daemon/pack/pack_run.h"
#include "daemon/multiuser/job_hooks.h"
#include "daemon/stats/pending_runs.h"
#include "daemon/stats/run_counters.h"
#include "daemon/stats/stats_book.h"
#include "daemon/upload/backend.h"
#include "daemon/upload/upload_archives.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"
#include "common/hash/lean_hash.h"

namespace leancache::commands {
namespace {

std::optional<std::string> Option(const v1::CommandRequest& request, const char* name) {
  const auto& options = request.invocation().options();
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

void Forward(const sources::Messages& messages, core::EventSink& sink) {
  for (const auto& m : messages) {
    if (m.stream == sources::Message::Stream::kStderr) sink.Err(m.text); else sink.Out(m.text);
  }
}

// The backend for this request, with the request's network session (proxies and CAs from the
// forwarded environment over the config file), or an error already reported (Done(1) sent).
std::optional<upload::Backend> Backend(const core::Network& network, const v1::CommandRequest& request,
                                       core::EventSink& sink) {
  upload::UploadOptions options;
  if (auto repo = Option(request, "repo")) options.repo = *repo;
  options.container = Option(request, "container");
  options.scope = Option(request, "scope");
  options.backend = Option(request, "backend");
  sources::Env env(request.invocation().env().begin(), request.invocation().env().end());
  auto backend = upload::SelectBackend(env, options);
  if (!backend.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", backend.status().message()));
    sink.Done(1);
    return std::nullopt;
  }
  auto session = sources::MakeTransferSession(*network.config, env);
  if (!session.ok()) {
    sink.Fail(session.status());
    return std::nullopt;
  }
  backend->session = *std::move(session);
  Forward(backend->messages, sink);
  return std::move(*backend);
}

// [negative cache] Drops the "not found" memory of the archives `files` (paths of
// "<hash16>.ltar") or `keys`, for every source: after a put they may be on the server.
void ForgetMisses(const core::LocalCache& local, const std::vector<std::string>& hash16s) {
  if (local.index == nullptr || hash16s.empty()) return;
  auto dropped = index::NegativeCache(*local.index).Forget(hash16s);
  if (!dropped.ok()) spdlog::warn("negative cache: {}", dropped.status().ToString());
}
void ForgetMisses(const core::LocalCache& local, const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> hash16s;
  for (const auto& f : files) {
    if (auto key = keys::KeyFromFileName(f.filename().string())) hash16s.push_back(hash::Hex16(*key));
  }
  ForgetMisses(local, hash16s);
}
void ForgetMisses(const core::LocalCache& local, const std::vector<uint64_t>& keys) {
  std::vector<std::string> hash16s;
  for (uint64_t k : keys) hash16s.push_back(hash::Hex16(k));
  ForgetMisses(local, hash16s);
}

int64_t UnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// [stats] A put's uploads, into the index (lifetime and "last put").
void RecordPutRun(const core::LocalCache& local, const std::string& word,
                  std::chrono::system_clock::time_point started, const upload::UploadProgress& totals) {
  stats::RunCounters counters;
  counters.Add(stats::Counter::kUploaded, totals.uploaded);
  counters.Add(stats::Counter::kAlreadyOnServer, totals.already_present);
  counters.Add(stats::Counter::kUploadFailed, totals.failed);
  counters.Add(stats::Counter::kBytesUploaded, totals.bytes_sent);
  auto now = std::chrono::system_clock::now();
  auto record = counters.ToRecord(word, UnixMillis(started), UnixMillis(now) - UnixMillis(started));
  if (auto st = stats::RecordRun(*local.index, record); !st.ok()) {
    spdlog::warn("cannot record statistics: {}", st.ToString());
  }
}

}  // namespace

void RunPut(const core::DaemonState& state, const v1::CommandRequest& request,
            core::EventSink& sink) {
  if (!AcceptCommand(request, {"put", "put!", "put-unpacked", "put-staged"}, sink)) return;
  const std::string& word = request.command();
  const bool force = word == "put!";
  const auto started = std::chrono::system_clock::now();
  std::vector<std::filesystem::path> files;
  std::filesystem::path temp_dir;
  if (word == "put-staged") {
    auto dir = Option(request, "staging-dir");
    if (!dir) {
      sink.Out("put-staged requires --staging-dir=");
      return sink.Done(0);
    }
    std::filesystem::path staging(*dir);
    if (staging.is_relative()) staging = std::filesystem::path(request.invocation().client_cwd()) / staging;
    std::error_code ec;
    if (!std::filesystem::is_directory(staging, ec)) {
      sink.Err("--staging-dir must be a directory");
      return sink.Done(1);
    }
    for (auto it = std::filesystem::recursive_directory_iterator(staging, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".ltar") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    temp_dir = staging;
  }
  auto backend = Backend(state.network, request, sink);
  if (!backend) return;
  if (word != "put-staged") {
    auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
    if (!project.ok()) return sink.Fail(project.status());
    pack::PackRunFlags flags;
    flags.force = force;
    flags.unpacked_only = word == "put-unpacked";
    flags.verbose = true;
    auto report = pack::RunPackStep(state.local, *project, flags, sink);
    if (!report) return;
    for (const auto& a : report->archives) files.push_back(project->cache_dir / a.archive);
    temp_dir = project->cache_dir;
  }
  if (state.network.shared != nullptr) {  // daemon/multiuser/README.md
    multiuser::OfferPut(*state.network.shared, files, sink);
  }
  auto summary = upload::UploadArchives(
      *state.network.transport, *backend, files, force,
      [&sink](const upload::UploadProgress& p) {
        v1::Event event;
        auto* progress = event.mutable_progress();
        progress->set_phase("upload");
        progress->set_files_total(p.total);
        progress->set_files_done(p.done);
        progress->set_files_ok(p.uploaded + p.already_present);
        progress->set_files_failed(p.failed);
        progress->set_bytes_done(p.bytes_sent);
        sink.Send(event);
      },
      [&sink] { return sink.cancelled(); });
  Forward(summary.messages, sink);
  ForgetMisses(state.local, files);  // [negative cache] what we just put may be on the server now
  if (summary.ok() && word != "put-unpacked") {
    Forward(upload::UploadMarker(*state.network.transport, *backend, temp_dir), sink);
  }
  nlohmann::json json = {{"files", files.size()},
                         {"uploaded", summary.totals.uploaded},
                         {"already_present", summary.totals.already_present},
                         {"failed", summary.totals.failed},
                         {"bytes_sent", summary.totals.bytes_sent}};
  const int exit_code = sink.cancelled() ? 130 : summary.ok() ? 0 : 1;
  auto stats_hold = stats::PendingRuns::Begin(state.observers.pending_runs);  // `stats` waits for the record
  sink.Done(exit_code, exit_code == 130 ? "" : json.dump());
  RecordPutRun(state.local, word, started, summary.totals);
}

void RunCommit(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink) {
  if (!AcceptCommand(request, {"commit", "commit!"}, sink) || !AcceptNoArguments(request, sink)) return;
  const std::string& word = request.command();
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), sink);
  if (!project.ok()) return sink.Fail(project.status());
  auto clean = pack::WorkingTreeClean(project->request.project_root);
  if (!clean.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", clean.status().message()));
    return sink.Done(1);
  }
  if (!*clean) {
    sink.Out(pack::kCommitFirstMessage);
    return sink.Done(0);
  }
  auto sha = pack::GitHead(project->request.project_root);
  if (!sha.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", sha.status().message()));
    return sink.Done(1);
  }
  auto backend = Backend(state.network, request, sink);
  if (!backend) return;
  std::vector<uint64_t> hashes;
  for (const auto& [module, entry] : project->keys->modules) hashes.push_back(entry.key);
  auto verdict = upload::UploadCommitManifest(*state.network.transport, *backend, *sha, hashes,
                                              project->cache_dir, word == "commit!");
  ForgetMisses(state.local, hashes);  // [negative cache] the manifest names archives put for this commit
  if (!verdict.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", verdict.status().message()));
    return sink.Done(1);
  }
  sink.Done(0, nlohmann::json({{"sha", *sha}, {"hashes", hashes.size()},
                               {"verdict", transfer::VerdictName(*verdict)}}).dump());
}

}  // namespace leancache::commands
