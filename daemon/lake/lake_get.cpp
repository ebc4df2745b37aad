#include "daemon/lake/lake_get.h"

#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/clock/unix_ms.h"
#include "common/fs/fd.h"
#include "common/fs/temp_sweep.h"
#include "common/lake/cache_layout.h"
#include "daemon/lake/get_memo.h"
#include "daemon/lake/lake_evict.h"
#include "daemon/lake/lake_fetch.h"
#include "daemon/lake/lake_git.h"
#include "daemon/lake/lake_outputs.h"
#include "daemon/lake/lake_start.h"
#include "daemon/lake/lake_verbs.h"
#include "daemon/transfer/redact.h"
#include "daemon/transfer/small_body.h"
#include "daemon/transfer/transport.h"
#include "spdlog/spdlog.h"

namespace leancache::lake {
namespace {

constexpr FlagSpec kGetFlags[] = {
    {"service", true}, {"scope", true},       {"repo", true},           {"rev", true},
    {"max-revs", true}, {"platform", true},   {"toolchain", true},      {"package", true},
    {"mappings-only", false}, {"force-download", false}, {"no-overwrite", false}, {"wfail", false}};

struct Lookup {
  enum Kind { kFound, kMiss, kError } kind = kMiss;
  std::string text;   // kFound: the mapping; kError: the message
};

// GETs one revision mapping; a 200 body is ASCII-trimmed and kept in revisions/<scope>/<rev>.jsonl.
Lookup DownloadRevision(const core::Network& network, const Service& service, const RemoteScope& scope,
                        const std::filesystem::path& local_file, const std::string& rev) {
  transfer::GetRequest get;
  get.session = service.session;
  get.url = service.reservoir ? ReservoirOutputsUrl(service.api, scope, rev)
                              : S3RevisionUrl(service.revision_endpoint, scope, rev);
  if (service.reservoir) {
    for (auto h : kReservoirHeaders) get.headers.emplace_back(h);
  }
  std::error_code ec;
  std::filesystem::create_directories(local_file.parent_path(), ec);
  if (ec) return {Lookup::kError, absl::StrCat("cannot create ", local_file.parent_path().string(), ": ", ec.message())};
  const std::string url = get.url;
  absl::StatusOr<transfer::SmallReply> reply =
      transfer::FetchSmallBody(*network.transport, std::move(get), local_file.parent_path(), rev.substr(0, 12));
  if (!reply.ok()) return {Lookup::kError, std::string(reply.status().message())};
  const transfer::Result& r = reply->result;
  if (r.verdict == transfer::Verdict::kMiss && r.http_status == 404) return {Lookup::kMiss, ""};
  if (!r.ok()) {
    return {Lookup::kError, absl::StrCat("failed to GET URL, error ", r.http_status,
                                         r.error.empty() ? "" : absl::StrCat(" (", r.error, ")"), ": ",
                                         transfer::RedactUrl(url))};
  }
  std::string trimmed(absl::StripAsciiWhitespace(reply->body));
  if (absl::Status s = WriteFileAtomically(local_file, trimmed); !s.ok()) return {Lookup::kError, std::string(s.message())};
  return {Lookup::kFound, trimmed};
}

struct Walk {
  std::string rev;
  std::string mapping;  // file contents
  std::string origin;   // file path or URL, for messages
};

// The revision walk. Errors end the command; nullopt with `*error` empty never happens.
absl::StatusOr<Walk> FindMapping(const core::Network& network, const VerbStart& v, const Service& service,
                                 const RemoteScope& scope, const PackageTarget& pkg, core::EventSink& sink) {
  std::vector<std::string> revs;
  size_t max_revs = 100;
  if (auto rev = v.args.Value("rev")) {
    absl::StatusOr<std::string> full = ResolveRevision(pkg.dir, *rev);
    if (!full.ok()) return full.status();
    revs.push_back(*full);
  } else {
    if (auto n = v.args.Value("max-revs"); n && !absl::SimpleAtoi(*n, &max_revs)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid --max-revs '", *n, "'"));
    }
    absl::StatusOr<std::vector<std::string>> head = HeadRevisions(pkg.dir, max_revs);
    if (!head.ok()) return head.status();
    revs = *std::move(head);
  }
  if (absl::StatusOr<bool> dirty = HasChanges(pkg.dir); dirty.ok() && *dirty) {
    sink.Err("warning: package has changes; only artifacts for committed code will be downloaded");
  }
  const bool force = v.args.Has("force-download");
  for (const auto& rev : revs) {
    std::filesystem::path local = RevisionFile(v.ctx.cache_dir, pkg.info.name, rev);
    if (!force) {
      if (absl::StatusOr<std::string> text = fs::ReadFile(local.string()); text.ok()) return Walk{rev, *text, local.string()};
    }
    Lookup l = DownloadRevision(network, service, scope, local, rev);
    if (l.kind == Lookup::kFound) return Walk{rev, l.text, local.string()};
    if (l.kind == Lookup::kError) {
      sink.Err(absl::StrCat("error: ", l.text));
      return absl::UnavailableError(absl::StrCat(pkg.info.name, ": output lookup failed"));
    }
  }
  if (v.args.Has("rev")) return absl::NotFoundError(absl::StrCat(pkg.info.name, ": outputs not found for revision"));
  if (max_revs == 0 || revs.size() < max_revs) {
    return absl::NotFoundError(absl::StrCat(pkg.info.name, ": no outputs found for any revision"));
  }
  return absl::NotFoundError(absl::StrCat(pkg.info.name, ": no outputs found in ", revs.size(), " revisions from HEAD"));
}

// What DownloadAll did: its exit code, and when every artifact was already present, what the
// memo keeps of the get.
struct Downloaded {
  int code = 0;
  std::optional<CurrentGet> current;
};

// Downloads the artifacts of `map`.
Downloaded DownloadAll(const core::LocalCache& local, const core::Network& network, const VerbStart& v,
                const Service& service, const RemoteScope& scope, const MappingFile& map, core::EventSink& sink) {
  absl::StatusOr<std::unique_ptr<lakestore::LakeBlobStore>> store =
      lakestore::LakeBlobStore::Open(ArtifactsDir(v.ctx.cache_dir), local.index);
  if (!store.ok()) {
    sink.Err(absl::StrCat("error: ", store.status().message()));
    return {1, std::nullopt};
  }
  FetchOptions options;
  options.force = v.args.Has("force-download");
  options.user = v.ctx.root.string();
  options.cancelled = [&sink] { return sink.cancelled(); };
  options.progress = [&sink](const FetchReport& r, size_t total) {
    v1::Event e;
    auto* p = e.mutable_progress();
    p->set_phase("download");
    p->set_files_total(total);
    p->set_files_done(r.present + r.downloaded + r.failed);
    p->set_files_ok(r.present + r.downloaded);
    p->set_files_failed(r.failed);
    p->set_bytes_done(r.bytes);
    sink.Send(e);
  };
  std::vector<ArtifactName> wanted = AllArtifacts(map);
  FetchReport report = FetchArtifacts(network, **store, service, scope, wanted, options);
  for (const auto& e : report.errors) sink.Err(absl::StrCat("error: ", scope.value, ": ", e));
  sink.Out(absl::StrCat(scope.value, ": ", wanted.size(), " artifacts: ", report.downloaded, " downloaded (",
                        report.bytes, " bytes), ", report.present, " already present, ", report.failed, " failed"));
  if (absl::Status s = EnforceLakeCap(local, *network.config, **store, v.ctx.env); !s.ok()) {
    sink.Err(absl::StrCat("warning: cache size cap: ", s.message()));
  }
  if (report.failed > 0) {
    sink.Err(absl::StrCat("error: ", scope.value, ": failed to download some artifacts"));
    return {1, std::nullopt};
  }
  if (report.present != wanted.size()) return {0, std::nullopt};
  CurrentGet current;
  current.artifacts = wanted.size();
  current.touched_ms = clock::UnixMs();
  for (const auto& a : wanted) current.hashes.push_back(a.hash);
  std::sort(current.hashes.begin(), current.hashes.end());
  current.hashes.erase(std::unique(current.hashes.begin(), current.hashes.end()), current.hashes.end());
  return {0, std::move(current)};
}

// The answer of a get the memo knows to be current: the same lines as a full check, and the
// artifacts' last use recorded again when that was long ago. Returns the exit code (0).
int AnswerFromMemo(const core::LocalCache& local, const VerbStart& v, const std::string& key, CurrentGet hit,
                    const std::string& package, const std::string& rev, const RemoteScope& scope,
                    core::EventSink& sink) {
  for (const auto& w : hit.warnings) sink.Err(absl::StrCat("warning: ", w));
  sink.Out(absl::StrCat(package, ": found outputs for revision ", rev));
  sink.Out(absl::StrCat(scope.value, ": ", hit.artifacts, " artifacts: 0 downloaded (0 bytes), ", hit.artifacts,
                        " already present, 0 failed"));
  if (clock::UnixMs() - hit.touched_ms > kTouchRefreshMs) {
    absl::StatusOr<std::unique_ptr<lakestore::LakeBlobStore>> store =
        lakestore::LakeBlobStore::Open(ArtifactsDir(v.ctx.cache_dir), local.index);
    absl::StatusOr<size_t> touched = store.ok() ? (*store)->Touch(hit.hashes, v.ctx.root.string()) : store.status();
    if (!touched.ok()) {
      spdlog::warn("lake get: cannot record the last use of {} artifact(s): {}", hit.hashes.size(),
                   touched.status().ToString());
    } else {
      hit.touched_ms = clock::UnixMs();
      local.lake_gets->Update(key, std::move(hit));
    }
  }
  return 0;
}

// Mapping lines refused while reading (bad JSON, unsafe artifact names): the rest was used, but
// the command fails (exit 1) so they are not overlooked.
int RefusedLines(const MappingFile& map, core::EventSink& sink) {
  if (map.skipped == 0) return 0;
  sink.Err(absl::StrCat("error: ", map.skipped, " mapping line(s) refused (see the warnings above)"));
  return 1;
}

// Writes `pkg`'s outputs files from `map` and, unless --mappings-only, downloads its artifacts.
// `written` receives how many outputs files changed. Returns the exit code (with the memo entry
// when every artifact was already present); errors are printed.
Downloaded WriteAndDownload(const core::LocalCache& local, const core::Network& network, const VerbStart& v,
                            const Service& service, const RemoteScope& scope, const PackageTarget& pkg,
                            const MappingFile& map, size_t* written, core::EventSink& sink) {
  OutputsOrigin origin{service.name, scope.repo ? "repo" : "scope", scope.value};
  absl::StatusOr<size_t> n = WriteOutputs(v.ctx.cache_dir, pkg.info.name, map, origin, /*overwrite=*/true);
  if (!n.ok()) {
    sink.Err(absl::StrCat("error: ", n.status().message()));
    return {1, std::nullopt};
  }
  *written = *n;
  if (v.args.Has("mappings-only")) {
    sink.Out(absl::StrCat(pkg.info.name, ": wrote ", *n, " mappings (artifacts are fetched on demand)"));
    return {RefusedLines(map, sink), std::nullopt};
  }
  Downloaded done = DownloadAll(local, network, v, service, scope, map, sink);
  int refused = RefusedLines(map, sink);
  if (done.code == 0) done.code = refused;
  return done;
}

// A get of `pkg` by the revision walk (answered from the memo when nothing changed since the
// same get found everything present). Returns the exit code; errors are printed.
int GetByWalk(const core::LocalCache& local, const core::Network& network, const VerbStart& v,
              const Service& service, const RemoteScope& scope, const PackageTarget& pkg, core::EventSink& sink) {
  // The memo's watch starts before the walk reads the revision file, so a change to anything
  // the get checks from here on makes the memo miss next time.
  LakeGetMemo* memo = !v.args.Has("force-download") && !v.args.Has("mappings-only") ? local.lake_gets : nullptr;
  std::optional<LakeGetMemo::Ticket> ticket;
  if (memo != nullptr) ticket = memo->Begin("", LakeGetDirs(v.ctx.cache_dir, pkg.info.name));
  absl::StatusOr<Walk> walk = FindMapping(network, v, service, scope, pkg, sink);
  if (!walk.ok()) {
    sink.Err(absl::StrCat("error: ", walk.status().message()));
    return 1;
  }
  if (memo != nullptr) {
    const std::string key = LakeGetKey(v.ctx.cache_dir, pkg.info.name, walk->rev, service.name.value_or(service.api),
                                       absl::StrCat(scope.repo, ":", scope.value), v.ctx.root.string());
    if (std::optional<CurrentGet> hit = memo->Current(key)) {
      return AnswerFromMemo(local, v, key, *std::move(hit), pkg.info.name, walk->rev, scope, sink);
    }
    if (ticket) ticket->key = key;
  }
  absl::StatusOr<MappingFile> map = ParseMappingFile(walk->mapping, walk->origin, /*strict=*/false);
  if (!map.ok()) {
    sink.Err(absl::StrCat("error: ", map.status().message()));
    return 1;
  }
  for (const auto& w : map->warnings) sink.Err(absl::StrCat("warning: ", w));
  sink.Out(absl::StrCat(pkg.info.name, ": found outputs for revision ", walk->rev));
  size_t written = 0;
  Downloaded done = WriteAndDownload(local, network, v, service, scope, pkg, *map, &written, sink);
  if (ticket && !ticket->key.empty()) {
    if (done.code == 0 && written == 0 && done.current) {
      done.current->warnings = map->warnings;
      memo->Record(*std::move(ticket), *std::move(done.current));
    } else {
      memo->Forget(ticket->key);
    }
  }
  return done.code;
}

// A Reservoir get with neither --scope, --repo nor --package: every workspace dependency from
// Reservoir in manifest order, under its Reservoir scope; the others are skipped with a note.
// One dependency failing does not stop the others; the get then fails at the end.
void GetAllDependencies(const core::LocalCache& local, const core::Network& network, const VerbStart& v,
                        const Service& service, core::EventSink& sink) {
  if (v.args.Has("rev")) return Fail(sink, "`--rev` cannot be used with a multi-package Reservoir get; use `--package`");
  absl::StatusOr<std::vector<Dependency>> deps = WorkspaceDependencies(v.ctx);
  if (!deps.ok()) return Fail(sink, deps.status().message());
  bool ok = true;
  for (const auto& d : *deps) {
    if (sink.cancelled()) return Fail(sink, "cancelled");
    if (d.manifest_scope.empty()) {
      sink.Out(absl::StrCat(d.name, ": skipping non-Reservoir dependency"));
      continue;
    }
    absl::StatusOr<PackageTarget> pkg = DependencyTarget(d);
    absl::StatusOr<RemoteScope> scope = pkg.ok() ? ReservoirPackageScope(v.ctx, v.args, *pkg) : pkg.status();
    if (!scope.ok()) {
      sink.Err(absl::StrCat("error: ", d.name, ": ", scope.status().message()));
      ok = false;
      continue;
    }
    if (GetByWalk(local, network, v, service, *scope, *pkg, sink) != 0) ok = false;
  }
  if (!ok) return Fail(sink, "failed to download artifacts for some dependencies");
  sink.Done(0);
}

}  // namespace

void RunGet(const core::LocalCache& local, const core::Network& network, const v1::CommandRequest& request,
            core::EventSink& sink) {
  auto v = StartVerb(request, kGetFlags, 0, 1, sink);
  if (!v) return;
  if (v->args.Has("no-overwrite")) return Fail(sink, "`--no-overwrite` is not supported by `cache get`");
  std::vector<std::string> warnings;
  absl::StatusOr<Service> service = SelectDownloadService(v->ctx, v->args, &warnings);
  if (!service.ok()) return Fail(sink, service.status().message());
  if (absl::Status s = AttachSession(*network.config, v->ctx, *service); !s.ok()) return Fail(sink, s.message());
  for (const auto& w : warnings) sink.Err(absl::StrCat("warning: ", w));
  if (service->reservoir && v->args.Value("scope")) return Fail(sink, "`--scope` cannot be used with Reservoir");
  const bool by_manifest = service->reservoir && !v->args.Value("repo") && v->args.positional.empty();
  if (by_manifest && !v->args.Value("package")) return GetAllDependencies(local, network, *v, *service, sink);
  absl::StatusOr<PackageTarget> pkg = SelectPackage(v->ctx, v->args);
  if (!pkg.ok()) return Fail(sink, pkg.status().message());
  absl::StatusOr<std::optional<RemoteScope>> scope =
      by_manifest ? absl::StatusOr<std::optional<RemoteScope>>(ReservoirPackageScope(v->ctx, v->args, *pkg))
                  : SelectScope(v->ctx, v->args, pkg->info, true, false);
  if (!scope.ok()) return Fail(sink, scope.status().message());
  if (v->args.positional.empty()) return sink.Done(GetByWalk(local, network, *v, *service, **scope, *pkg, sink));
  if (v->args.Has("rev")) sink.Err("warning: `--rev` is ignored when a mappings file is given");
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(v->ctx.Resolve(v->args.positional[0]), sink);
  if (!map.ok()) return Fail(sink, map.status().message());
  size_t written = 0;
  sink.Done(WriteAndDownload(local, network, *v, *service, **scope, *pkg, *map, &written, sink).code);
}

}  // namespace leancache::lake
