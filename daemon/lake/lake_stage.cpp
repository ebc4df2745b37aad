#include "daemon/lake/lake_stage.h"

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "common/lake/cache_layout.h"
#include "common/lake/mapping_file.h"
#include "common/lake/staging_dir.h"
#include "daemon/lake/lake_fetch.h"
#include "daemon/lake/lake_outputs.h"
#include "daemon/lake/lake_start.h"
#include "daemon/lake/lake_verbs.h"

namespace leancache::lake {
namespace {

constexpr FlagSpec kStageFlags[] = {{"force-overwrite", false}};
constexpr FlagSpec kAddFlags[] = {{"service", true}, {"scope", true},        {"repo", true},
                                  {"package", true}, {"no-overwrite", false}, {"platform", true},
                                  {"toolchain", true}};


}  // namespace

void RunStage(const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, kStageFlags, 2, 2, sink);
  if (!v) return;
  std::filesystem::path file = v->ctx.Resolve(v->args.positional[0]);
  std::filesystem::path dir = v->ctx.Resolve(v->args.positional[1]);
  std::string text;
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(file, sink, &text);
  if (!map.ok()) return Fail(sink, map.status().message());
  const std::filesystem::path artifacts = ArtifactsDir(v->ctx.cache_dir);
  std::vector<ArtifactName> names = AllArtifacts(*map);
  for (const auto& a : names) {  // everything must be there before anything is written
    std::error_code ec;
    if (!std::filesystem::is_regular_file(artifacts / a.FileName(), ec)) {
      return Fail(sink, absl::StrCat("artifact not found in cache: ", (artifacts / a.FileName()).string()));
    }
  }
  const bool force = v->args.Has("force-overwrite");
  size_t copied = 0;
  for (const auto& a : names) {
    std::filesystem::path target = dir / a.FileName();
    std::error_code ec;
    if (!force && std::filesystem::exists(target, ec)) continue;
    absl::StatusOr<std::string> bytes = fs::ReadFile((artifacts / a.FileName()).string());
    if (!bytes.ok()) return Fail(sink, bytes.status().message());
    if (absl::Status s = WriteFileAtomically(target, *bytes); !s.ok()) return Fail(sink, s.message());
    ++copied;
  }
  if (absl::Status s = WriteFileAtomically(dir / std::string(kStagedMappings), text); !s.ok()) {
    return Fail(sink, s.message());
  }
  sink.Out(absl::StrCat("staged ", map->entries.size(), " mappings and ", names.size(), " artifacts (", copied,
                        " copied) in ", dir.string()));
  sink.Done(0);
}

void RunUnstage(const core::LocalCache& local, const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, kStageFlags, 1, 1, sink);
  if (!v) return;
  std::filesystem::path dir = v->ctx.Resolve(v->args.positional[0]);
  absl::StatusOr<StagingListing> listing = ListStagingDir(dir);
  if (!listing.ok()) return Fail(sink, listing.status().message());
  std::string text;
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(listing->mappings, sink, &text);
  if (!map.ok()) return Fail(sink, map.status().message());
  absl::StatusOr<PackageInfo> pkg = ReadPackageInfo(v->ctx.root);
  if (!pkg.ok()) return Fail(sink, pkg.status().message());
  std::vector<ArtifactName> names = AllArtifacts(*map);
  for (const auto& a : names) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir / a.FileName(), ec)) {
      return Fail(sink, absl::StrCat("artifact not found in staging directory: ", (dir / a.FileName()).string()));
    }
  }
  auto store = lakestore::LakeBlobStore::Open(ArtifactsDir(v->ctx.cache_dir), local.index);
  if (!store.ok()) return Fail(sink, store.status().message());
  const bool force = v->args.Has("force-overwrite");
  size_t adopted = 0, skipped = 0;
  for (const auto& a : names) {
    if (!force && (*store)->Find(a.hash, a.ext).ok()) {
      ++skipped;
      continue;
    }
    auto r = CopyIntoStore(**store, a.hash, a.ext, dir / a.FileName(), v->ctx.root.string());
    if (!r.ok()) return Fail(sink, absl::StrCat(a.FileName(), ": ", r.status().message()));
    ++adopted;
  }
  absl::StatusOr<size_t> written = WriteOutputs(v->ctx.cache_dir, pkg->name, *map, OutputsOrigin{}, /*overwrite=*/true);
  if (!written.ok()) return Fail(sink, written.status().message());
  sink.Out(absl::StrCat("unstaged ", *written, " mappings and ", names.size(), " artifacts (", adopted, " added, ",
                        skipped, " already cached) into ", v->ctx.cache_dir.string()));
  sink.Done(0);
}

void RunAdd(const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, kAddFlags, 1, 1, sink);
  if (!v) return;
  absl::StatusOr<PackageTarget> pkg = SelectPackage(v->ctx, v->args);
  if (!pkg.ok()) return Fail(sink, pkg.status().message());
  std::string text;
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(v->ctx.Resolve(v->args.positional[0]), sink, &text);
  if (!map.ok()) return Fail(sink, map.status().message());
  OutputsOrigin origin;
  if (auto name = v->args.Value("service")) {
    if (v->ctx.config.Find(*name) == nullptr) {
      return Fail(sink, absl::StrCat("service `", *name, "` not found in system configuration; configured services: ",
                                     v->ctx.config.Names()));
    }
    origin.service = *name;
  }
  absl::StatusOr<std::optional<RemoteScope>> scope = SelectScope(v->ctx, v->args, pkg->info, false, true);
  if (!scope.ok()) return Fail(sink, scope.status().message());
  if (*scope) {
    origin.scope_key = (*scope)->repo ? "repo" : "scope";
    origin.scope = (*scope)->value;
  }
  absl::StatusOr<size_t> written =
      WriteOutputs(v->ctx.cache_dir, pkg->info.name, *map, origin, !v->args.Has("no-overwrite"));
  if (!written.ok()) return Fail(sink, written.status().message());
  sink.Out(absl::StrCat("added ", *written, " mappings to ", OutputsDir(v->ctx.cache_dir, pkg->info.name).string()));
  sink.Done(0);
}

}  // namespace leancache::lake
