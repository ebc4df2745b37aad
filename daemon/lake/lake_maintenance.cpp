#include "daemon/lake/lake_maintenance.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/lake/cache_layout.h"
#include "daemon/index/index.h"
#include "daemon/lake/lake_evict.h"
#include "daemon/lake/lake_start.h"
#include "daemon/lake/lake_verbs.h"
#include "daemon/sources/config.h"
#include "nlohmann/json.hpp"

namespace leancache::lake {

void RunClean(const core::LocalCache& local, const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, {}, 0, 0, sink);
  if (!v) return;
  std::error_code ec;
  if (!std::filesystem::exists(v->ctx.cache_dir, ec)) {
    sink.Out(absl::StrCat("nothing to clean: ", v->ctx.cache_dir.string(), " does not exist"));
    return sink.Done(0);
  }
  auto store = lakestore::LakeBlobStore::Open(ArtifactsDir(v->ctx.cache_dir), local.index);
  if (store.ok()) {
    if (auto blobs = (*store)->List(); blobs.ok()) {
      std::vector<uint64_t> hashes;
      for (const auto& [h, r] : *blobs) hashes.push_back(h);
      if (auto removed = local.index->RemoveBlobs((*store)->index_key(), hashes); !removed.ok()) {
        return Fail(sink, removed.status().message());
      }
    }
  }
  // Cached artifacts are read-only files in writable directories: remove_all unlinks them.
  std::filesystem::remove_all(v->ctx.cache_dir, ec);
  if (ec) return Fail(sink, absl::StrCat("failed to remove ", v->ctx.cache_dir.string(), ": ", ec.message()));
  sink.Out(absl::StrCat("removed ", v->ctx.cache_dir.string()));
  sink.Done(0);
}

void RunServices(const v1::CommandRequest& request, core::EventSink& sink) {
  auto v = StartVerb(request, {}, 0, 0, sink);
  if (!v) return;
  for (const auto& s : v->ctx.config.services) sink.Out(s.name);
  sink.Done(0);
}

void RunGc(const core::LocalCache& local, const core::Network& network, const v1::CommandRequest& request,
           core::EventSink& sink) {
  static constexpr FlagSpec kFlags[] = {{"max-size", true}};
  auto v = StartVerb(request, kFlags, 0, 0, sink);
  if (!v) return;
  auto max = v->args.Value("max-size");
  absl::StatusOr<uint64_t> cap = max ? sources::ParseByteSize(*max, "--max-size")
                                     : sources::EffectiveCacheCap(*network.config, v->ctx.env);
  if (!cap.ok()) return Fail(sink, cap.status().message());
  auto store = lakestore::LakeBlobStore::Open(ArtifactsDir(v->ctx.cache_dir), local.index);
  if (!store.ok()) return Fail(sink, store.status().message());
  auto blobs = (*store)->List();
  if (!blobs.ok()) return Fail(sink, blobs.status().message());
  std::set<std::string> present;  // hash16 of every "<hash16>.*" file
  std::error_code ec;
  for (std::filesystem::directory_iterator it((*store)->dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > 17 && name[16] == '.') present.insert(name.substr(0, 16));
  }
  std::vector<uint64_t> dangling;
  for (const auto& [h, rec] : *blobs) {
    if (!present.count(hash::Hex16(h))) dangling.push_back(h);
  }
  if (auto removed = local.index->RemoveBlobs((*store)->index_key(), dangling); !removed.ok()) {
    return Fail(sink, removed.status().message());
  }
  absl::StatusOr<LakeEvictReport> report = EvictLakeTo(local, **store, *cap);
  if (!report.ok()) return Fail(sink, report.status().message());
  if (request.invocation().json()) {
    nlohmann::json j = {{"evicted", report->blobs}, {"evicted_bytes", report->bytes}, {"evicted_linked", report->linked},
                        {"dropped_records", dangling.size()}, {"cap", *cap}, {"total_bytes", report->total_after}};
    sink.Out(j.dump());
  } else {
    sink.Out(absl::StrCat("lake gc: evicted ", report->blobs, " artifacts (", report->bytes, " bytes, ", report->linked,
                          " still linked), dropped ", dangling.size(), " stale records; cache now ",
                          report->total_after, " bytes", *cap ? absl::StrCat(" (cap ", *cap, ")") : " (no cap)"));
  }
  sink.Done(0);
}

}  // namespace leancache::lake
