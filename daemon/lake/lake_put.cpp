#include "daemon/lake/lake_put.h"

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "common/hash/lean_hash.h"
#include "common/lake/cache_layout.h"
#include "common/lake/mapping_file.h"
#include "common/lake/staging_dir.h"
#include "daemon/lake/lake_git.h"
#include "daemon/lake/lake_start.h"
#include "daemon/lake/lake_upload.h"
#include "daemon/lake/lake_verbs.h"

namespace leancache::lake {
namespace {

constexpr FlagSpec kPutFlags[] = {{"service", true},  {"scope", true},     {"repo", true},
                                  {"platform", true}, {"toolchain", true}, {"package", true},
                                  {"rev", true},      {"wfail", false}};

// Where the artifacts of a mapping are read from: Lake's cache artifacts/ or a staging dir.
using Locate = std::function<std::filesystem::path(const ArtifactName&)>;

// Checks that every artifact exists and that its bytes hash to its name; returns one upload per
// distinct hash. Errors name the first bad artifact.
absl::StatusOr<std::vector<UploadFile>> PlanUploads(const MappingFile& map, const Locate& locate,
                                                    const Service& service, const RemoteScope& scope) {
  std::map<uint64_t, UploadFile> by_hash;
  for (const ArtifactName& a : AllArtifacts(map)) {
    if (by_hash.count(a.hash)) continue;
    std::filesystem::path path = locate(a);
    absl::StatusOr<std::string> bytes = fs::ReadFile(path.string());
    if (!bytes.ok()) return absl::NotFoundError(absl::StrCat("artifact not found: ", path.string()));
    uint64_t actual = hash::BytesHash(*bytes);
    if (actual != a.hash) {
      return absl::DataLossError(absl::StrCat(path.string(), ": contents hash to ", hash::Hex16(actual),
                                              ", not to the name's ", hash::Hex16(a.hash)));
    }
    by_hash[a.hash] = UploadFile{path, S3ArtifactUrl(service.artifact_endpoint, scope.value, a.hash), a.FileName()};
  }
  std::vector<UploadFile> out;
  for (auto& [h, f] : by_hash) out.push_back(std::move(f));
  return out;
}

// Uploads the artifacts, then the mapping file; finishes the sink.
void Upload(const core::Network& network, const Service& service, const RemoteScope& scope,
            const std::filesystem::path& mapping_file, const MappingFile& map, const Locate& locate,
            const std::string& rev, core::EventSink& sink) {
  absl::StatusOr<std::vector<UploadFile>> files = PlanUploads(map, locate, service, scope);
  if (!files.ok()) return Fail(sink, files.status().message());
  absl::StatusOr<transfer::Auth> auth = LakeKeyAuth(service.key);
  if (!auth.ok()) return Fail(sink, auth.status().message());
  std::vector<std::string> errors = UploadArtifacts(*network.transport, *auth, service.session, *files);
  for (const auto& e : errors) sink.Err(absl::StrCat("error: ", scope.value, ": ", e));
  if (!errors.empty()) {
    return Fail(sink, absl::StrCat(scope.value, ": failed to upload some artifacts; the mappings were not uploaded"));
  }
  sink.Out(absl::StrCat(scope.value, ": uploaded ", files->size(), " artifacts"));
  std::string url = S3RevisionUrl(service.revision_endpoint, scope, rev);
  if (absl::Status s = UploadMappings(*network.transport, *auth, service.session, mapping_file, url); !s.ok()) {
    return Fail(sink, absl::StrCat(scope.value, ": ", s.message()));
  }
  sink.Out(absl::StrCat(scope.value, ": uploaded the mappings of revision ", rev));
  sink.Done(0);
}


}  // namespace

void RunPut(const core::Network& network, const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, kPutFlags, 1, 1, sink);
  if (!v) return;
  if (v->args.Has("rev")) {
    return Fail(sink, "`cache put` does not accept `--rev`; use the staging workflow (`cache stage` and "
                      "`cache put-staged --rev`) to upload for another revision");
  }
  absl::StatusOr<Service> service = SelectUploadService(v->ctx, v->args);
  if (!service.ok()) return Fail(sink, service.status().message());
  if (absl::Status s = AttachSession(*network.config, v->ctx, *service); !s.ok()) return Fail(sink, s.message());
  absl::StatusOr<PackageTarget> pkg = SelectPackage(v->ctx, v->args);
  if (!pkg.ok()) return Fail(sink, pkg.status().message());
  absl::StatusOr<std::optional<RemoteScope>> scope = SelectScope(v->ctx, v->args, pkg->info, true, false);
  if (!scope.ok()) return Fail(sink, scope.status().message());
  std::filesystem::path file = v->ctx.Resolve(v->args.positional[0]);
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(file, sink);
  if (!map.ok()) return Fail(sink, map.status().message());
  absl::StatusOr<std::vector<std::string>> head = HeadRevisions(pkg->dir, 1);
  if (!head.ok() || head->empty()) return Fail(sink, head.ok() ? "no git revision" : head.status().message());
  if (absl::StatusOr<bool> dirty = HasChanges(pkg->dir); dirty.ok() && *dirty) {
    if (v->args.Has("wfail")) return Fail(sink, "package has changes; the uploaded mappings may not match the revision");
    sink.Err("warning: package has changes; the uploaded mappings may not match the revision");
  }
  const std::filesystem::path artifacts = ArtifactsDir(v->ctx.cache_dir);
  Upload(network, *service, **scope, file, *map, [&](const ArtifactName& a) { return artifacts / a.FileName(); },
         head->front(), sink);
}

void RunPutStaged(const core::Network& network, const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, kPutFlags, 1, 1, sink);
  if (!v) return;
  if (v->args.Has("package")) return Fail(sink, "`--package` does nothing for `cache put-staged`");
  auto rev = v->args.Value("rev");
  if (!rev || rev->empty()) return Fail(sink, "the `--rev` option must be set");
  absl::StatusOr<Service> service = SelectUploadService(v->ctx, v->args);
  if (!service.ok()) return Fail(sink, service.status().message());
  if (absl::Status s = AttachSession(*network.config, v->ctx, *service); !s.ok()) return Fail(sink, s.message());
  absl::StatusOr<std::optional<RemoteScope>> scope = SelectScope(v->ctx, v->args, std::nullopt, false, false);
  if (!scope.ok()) return Fail(sink, scope.status().message());
  std::filesystem::path dir = v->ctx.Resolve(v->args.positional[0]);
  absl::StatusOr<StagingListing> listing = ListStagingDir(dir);
  if (!listing.ok()) return Fail(sink, listing.status().message());
  absl::StatusOr<MappingFile> map = LoadMappingsStrict(listing->mappings, sink);
  if (!map.ok()) return Fail(sink, map.status().message());
  Upload(network, *service, **scope, listing->mappings, *map, [&](const ArtifactName& a) { return dir / a.FileName(); },
         *rev, sink);
}

}  // namespace leancache::lake
