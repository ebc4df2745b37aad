#include "daemon/index/index.h"

#include <openssl/evp.h>

#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/index/byte_codec.h"
#include "daemon/index/env_check.h"
#include "daemon/index/schema.h"
#include "spdlog/spdlog.h"

namespace leancache::index {
namespace {

std::string EncodeFixed32(uint32_t v) {
  ByteWriter w;
  w.Fixed32(v);
  return w.Take();
}

std::string BigEndian32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  return out;
}

std::string BlobKey(uint32_t dir_id, uint64_t key) {
  std::string out = BigEndian32(dir_id);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((key >> (56 - 8 * i)) & 0xff));
  return out;
}

uint64_t BlobKeyValue(std::string_view k) {
  uint64_t v = 0;
  for (size_t i = 4; i < 12; ++i) v = (v << 8) | static_cast<uint8_t>(k[i]);
  return v;
}

std::string Sha256Bytes(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

// Moves a damaged index directory to "<dir>.broken", replacing an older one; if that fails the
// directory is deleted.
absl::Status MoveAside(const std::filesystem::path& dir) {
  std::filesystem::path aside = dir;
  aside += ".broken";
  std::error_code ec;
  std::filesystem::remove_all(aside, ec);
  std::filesystem::rename(dir, aside, ec);
  if (!ec) {
    spdlog::warn("moved the damaged index to {}", aside.string());
    return absl::OkStatus();
  }
  std::filesystem::remove_all(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot remove the damaged index ", dir.string(), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LmdbEnv>> Index::OpenValidated(const std::filesystem::path& dir,
                                                              const IndexOptions& options, bool* fresh) {
  bool checked = false;
  if (options.check_in_child) {
    absl::StatusOr<bool> probe = ProbeIndexInChild(dir);
    if (!probe.ok()) return probe.status();
    checked = *probe;
  }
  LmdbEnv::Options env_options;
  env_options.initial_map_size = options.initial_map_size;
  absl::StatusOr<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(dir, env_options, fresh);
  if (!env.ok()) return env.status();
  if (*fresh) {
    absl::Status s = (*env)->Write([](LmdbEnv::Txn& txn) {
      return txn.Put(Table::kMeta, kSchemaKey, EncodeFixed32(kSchemaVersion));
    });
    if (!s.ok()) return s;
    return env;
  }
  if (!checked) {
    if (absl::Status s = ValidateIndexContents(**env); !s.ok()) return s;
  }
  return env;
}

absl::StatusOr<std::unique_ptr<Index>> Index::Open(const std::filesystem::path& dir_in,
                                                   const IndexOptions& options) {
  std::filesystem::path dir = dir_in.lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  bool fresh = false;
  absl::StatusOr<std::unique_ptr<LmdbEnv>> env = OpenValidated(dir, options, &fresh);
  if (env.ok()) {
    std::unique_ptr<Index> index(new Index(*std::move(env)));
    index->fresh_ = fresh;
    return index;
  }
  if (!absl::IsDataLoss(env.status())) return env.status();

  std::string reason(env.status().message());
  spdlog::warn("the index at {} is unusable ({}); starting a new one", dir.string(), reason);
  if (absl::Status s = MoveAside(dir); !s.ok()) return s;
  env = OpenValidated(dir, options, &fresh);
  if (!env.ok()) {
    return absl::Status(env.status().code(), absl::StrCat("recreating the index at ", dir.string(),
                                                          " failed: ", env.status().message()));
  }
  std::unique_ptr<Index> index(new Index(*std::move(env)));
  index->rebuilt_ = true;
  index->fresh_ = true;
  index->rebuild_reason_ = std::move(reason);
  return index;
}

std::string Index::PathKey(std::string_view prefix, std::string_view path) const {
  if (prefix.size() + path.size() <= env_->max_key_size() &&
      (path.empty() || path[0] != kHashedKeyMarker)) {
    return std::string(prefix) + std::string(path);
  }
  return std::string(prefix) + kHashedKeyMarker + Sha256Bytes(path);
}

// ---- files ----

absl::StatusOr<std::optional<FileRecord>> Index::GetFile(std::string_view path) {
  std::optional<FileRecord> out;
  std::string key = PathKey("", path);
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kFiles, key);
    if (!v.ok()) return v.status();
    if (!*v) return absl::OkStatus();
    absl::StatusOr<FileRecord> r = DecodeFileRecord(**v);
    if (!r.ok()) return absl::DataLossError(absl::StrCat("index entry for ", std::string(path), ": ", r.status().message()));
    out = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Index::PutFiles(absl::Span<const std::pair<std::string, FileRecord>> entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(entries.size());
  for (const auto& [path, record] : entries) encoded.emplace_back(PathKey("", path), EncodeFileRecord(record));
  return env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    for (const auto& [k, v] : encoded) {
      if (absl::Status s = txn.Put(Table::kFiles, k, v); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> Index::RemoveFile(std::string_view path) {
  bool existed = false;
  std::string key = PathKey("", path);
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<bool> d = txn.Delete(Table::kFiles, key);
    if (!d.ok()) return d.status();
    existed = *d;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return existed;
}

// ---- CACHEDIR ids ----

void Index::RememberCacheDir(std::string_view cache_dir, uint32_t id) {
  std::lock_guard lock(cache_dirs_mu_);
  cache_dir_ids_.emplace(std::string(cache_dir), id);
}

absl::StatusOr<std::optional<uint32_t>> Index::FindCacheDir(LmdbEnv::Txn& txn, std::string_view cache_dir) {
  {
    std::lock_guard lock(cache_dirs_mu_);
    auto it = cache_dir_ids_.find(absl::string_view(cache_dir.data(), cache_dir.size()));
    if (it != cache_dir_ids_.end()) return std::optional<uint32_t>(it->second);
  }
  absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kMeta, PathKey(kCacheDirPrefix, cache_dir));
  if (!v.ok()) return v.status();
  if (!*v) return std::optional<uint32_t>();
  absl::StatusOr<CacheDirRecord> r = DecodeCacheDirRecord(**v);
  if (!r.ok()) return r.status();
  return std::optional<uint32_t>(r->id);
}

absl::StatusOr<uint32_t> Index::RegisterCacheDir(LmdbEnv::Txn& txn, std::string_view cache_dir) {
  absl::StatusOr<std::optional<uint32_t>> found = FindCacheDir(txn, cache_dir);
  if (!found.ok()) return found.status();
  if (*found) return **found;
  absl::StatusOr<std::optional<std::string_view>> next = txn.Get(Table::kMeta, kNextCacheDirIdKey);
  if (!next.ok()) return next.status();
  uint64_t id = 1;
  if (*next) {
    ByteReader reader(**next, "next cache-dir id");
    absl::StatusOr<uint64_t> v = reader.Varint();
    if (!v.ok()) return v.status();
    id = *v;
  }
  if (id == 0 || id >= UINT32_MAX) return absl::DataLossError(absl::StrCat("cache-dir id ", id, " out of range"));
  ByteWriter w;
  w.Varint(id + 1);
  if (absl::Status s = txn.Put(Table::kMeta, kNextCacheDirIdKey, w.data()); !s.ok()) return s;
  CacheDirRecord record{static_cast<uint32_t>(id), 0};
  if (absl::Status s = txn.Put(Table::kMeta, PathKey(kCacheDirPrefix, cache_dir), EncodeCacheDirRecord(record));
      !s.ok()) {
    return s;
  }
  return static_cast<uint32_t>(id);
}

absl::StatusOr<std::optional<int64_t>> Index::CacheDirScannedAt(std::string_view cache_dir) {
  std::optional<int64_t> out;
  std::string key = PathKey(kCacheDirPrefix, cache_dir);
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kMeta, key);
    if (!v.ok()) return v.status();
    if (!*v) return absl::OkStatus();
    absl::StatusOr<CacheDirRecord> r = DecodeCacheDirRecord(**v);
    if (!r.ok()) return r.status();
    if (r->scanned_ms != 0) out = r->scanned_ms;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Index::MarkCacheDirScanned(std::string_view cache_dir, int64_t unix_ms) {
  uint32_t id = 0;
  std::string key = PathKey(kCacheDirPrefix, cache_dir);
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<uint32_t> registered = RegisterCacheDir(txn, cache_dir);
    if (!registered.ok()) return registered.status();
    id = *registered;
    return txn.Put(Table::kMeta, key, EncodeCacheDirRecord(CacheDirRecord{id, unix_ms == 0 ? 1 : unix_ms}));
  });
  if (s.ok()) RememberCacheDir(cache_dir, id);
  return s;
}

// ---- blobs ----

absl::StatusOr<std::optional<BlobRecord>> Index::GetBlob(std::string_view cache_dir, uint64_t key) {
  std::optional<BlobRecord> out;
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<uint32_t>> id = FindCacheDir(txn, cache_dir);
    if (!id.ok()) return id.status();
    if (!*id) return absl::OkStatus();
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kBlobs, BlobKey(**id, key));
    if (!v.ok()) return v.status();
    if (!*v) return absl::OkStatus();
    absl::StatusOr<BlobRecord> r = DecodeBlobRecord(**v);
    if (!r.ok()) return r.status();
    out = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Index::PutBlob(std::string_view cache_dir, uint64_t key, const BlobRecord& record) {
  std::pair<uint64_t, BlobRecord> one(key, record);
  return PutBlobs(cache_dir, absl::MakeConstSpan(&one, 1));
}

absl::Status Index::PutBlobs(std::string_view cache_dir,
                             absl::Span<const std::pair<uint64_t, BlobRecord>> records) {
  uint32_t id = 0;
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<uint32_t> registered = RegisterCacheDir(txn, cache_dir);
    if (!registered.ok()) return registered.status();
    id = *registered;
    for (const auto& [key, record] : records) {
      if (absl::Status s = txn.Put(Table::kBlobs, BlobKey(id, key), EncodeBlobRecord(record)); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (s.ok()) RememberCacheDir(cache_dir, id);
  return s;
}

absl::StatusOr<size_t> Index::UpdateBlobs(std::string_view cache_dir, absl::Span<const uint64_t> keys,
                                          const std::function<void(BlobRecord&)>& update) {
  size_t updated = 0;
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    updated = 0;
    absl::StatusOr<std::optional<uint32_t>> id = FindCacheDir(txn, cache_dir);
    if (!id.ok()) return id.status();
    if (!*id) return absl::OkStatus();
    for (uint64_t key : keys) {
      std::string k = BlobKey(**id, key);
      absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kBlobs, k);
      if (!v.ok()) return v.status();
      if (!*v) continue;
      absl::StatusOr<BlobRecord> r = DecodeBlobRecord(**v);
      if (!r.ok()) return r.status();
      update(*r);
      if (absl::Status s = txn.Put(Table::kBlobs, k, EncodeBlobRecord(*r)); !s.ok()) return s;
      ++updated;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return updated;
}

absl::StatusOr<bool> Index::RemoveBlob(std::string_view cache_dir, uint64_t key) {
  bool existed = false;
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    existed = false;
    absl::StatusOr<std::optional<uint32_t>> id = FindCacheDir(txn, cache_dir);
    if (!id.ok()) return id.status();
    if (!*id) return absl::OkStatus();
    absl::StatusOr<bool> d = txn.Delete(Table::kBlobs, BlobKey(**id, key));
    if (!d.ok()) return d.status();
    existed = *d;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return existed;
}

absl::StatusOr<size_t> Index::RemoveBlobs(std::string_view cache_dir, absl::Span<const uint64_t> keys) {
  size_t removed = 0;
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    removed = 0;
    absl::StatusOr<std::optional<uint32_t>> id = FindCacheDir(txn, cache_dir);
    if (!id.ok()) return id.status();
    if (!*id) return absl::OkStatus();
    for (uint64_t key : keys) {
      absl::StatusOr<bool> d = txn.Delete(Table::kBlobs, BlobKey(**id, key));
      if (!d.ok()) return d.status();
      removed += *d ? 1 : 0;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return removed;
}

absl::StatusOr<std::vector<std::pair<uint64_t, BlobRecord>>> Index::ListBlobs(std::string_view cache_dir) {
  std::vector<std::pair<uint64_t, BlobRecord>> out;
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<uint32_t>> id = FindCacheDir(txn, cache_dir);
    if (!id.ok()) return id.status();
    if (!*id) return absl::OkStatus();
    return txn.ForEach(Table::kBlobs, BigEndian32(**id), [&](std::string_view k, std::string_view v) -> absl::Status {
      absl::StatusOr<BlobRecord> r = DecodeBlobRecord(v);
      if (!r.ok()) return r.status();
      out.emplace_back(BlobKeyValue(k), *std::move(r));
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

// ---- projects ----

absl::StatusOr<std::optional<ProjectRecord>> Index::GetProject(std::string_view root) {
  std::optional<ProjectRecord> out;
  std::string key = PathKey("", root);
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kProjects, key);
    if (!v.ok()) return v.status();
    if (!*v) return absl::OkStatus();
    absl::StatusOr<ProjectRecord> r = DecodeProjectRecord(**v);
    if (!r.ok()) return r.status();
    out = *r;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Index::PutProject(std::string_view root, const ProjectRecord& record) {
  std::string key = PathKey("", root);
  std::string value = EncodeProjectRecord(record);
  return env_->Write([&](LmdbEnv::Txn& txn) { return txn.Put(Table::kProjects, key, value); });
}

absl::StatusOr<ProjectRecord> Index::RecordGet(std::string_view root, uint64_t root_hash,
                                               uint64_t files_downloaded, uint64_t bytes_downloaded,
                                               int64_t now_ms) {
  ProjectRecord record;
  std::string key = PathKey("", root);
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    record = ProjectRecord();
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kProjects, key);
    if (!v.ok()) return v.status();
    if (*v) {
      absl::StatusOr<ProjectRecord> r = DecodeProjectRecord(**v);
      if (r.ok()) {
        record = *r;
      } else {
        spdlog::warn("replacing a damaged project record for {}: {}", root, std::string(r.status().message()));
      }
    }
    record.root_hash = root_hash;
    record.last_get_ms = now_ms;
    record.gets += 1;
    record.files_downloaded += files_downloaded;
    record.bytes_downloaded += bytes_downloaded;
    return txn.Put(Table::kProjects, key, EncodeProjectRecord(record));
  });
  if (!s.ok()) return s;
  return record;
}

absl::StatusOr<std::vector<std::pair<std::string, ProjectRecord>>> Index::ListProjects() {
  std::vector<std::pair<std::string, ProjectRecord>> out;
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) {
    return txn.ForEach(Table::kProjects, "", [&](std::string_view k, std::string_view v) -> absl::Status {
      if (!k.empty() && k[0] == kHashedKeyMarker) return absl::OkStatus();
      absl::StatusOr<ProjectRecord> r = DecodeProjectRecord(v);
      if (!r.ok()) return r.status();
      out.emplace_back(std::string(k), *r);
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

// ---- command statistics ----

absl::StatusOr<std::optional<StatsRecord>> Index::GetStatsRecord(std::string_view name) {
  std::optional<StatsRecord> out;
  std::string key = std::string(kStatsPrefix) + std::string(name);
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kMeta, key);
    if (!v.ok()) return v.status();
    if (!*v) return absl::OkStatus();
    absl::StatusOr<StatsRecord> r = DecodeStatsRecord(**v);
    if (!r.ok()) return r.status();
    out = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status Index::UpdateStatsRecords(absl::Span<const std::string> names,
                                       const std::function<void(std::string_view, StatsRecord&)>& update) {
  return env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    for (const std::string& name : names) {
      std::string key = std::string(kStatsPrefix) + std::string(name);
      StatsRecord record;
      absl::StatusOr<std::optional<std::string_view>> v = txn.Get(Table::kMeta, key);
      if (!v.ok()) return v.status();
      if (*v) {
        absl::StatusOr<StatsRecord> r = DecodeStatsRecord(**v);
        if (r.ok()) {
          record = *std::move(r);
        } else {
          spdlog::warn("replacing a damaged stats record {}: {}", name, std::string(r.status().message()));
        }
      }
      update(name, record);
      if (absl::Status st = txn.Put(Table::kMeta, key, EncodeStatsRecord(record)); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::pair<std::string, StatsRecord>>> Index::ListStatsRecords() {
  std::vector<std::pair<std::string, StatsRecord>> out;
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) {
    out.clear();
    return txn.ForEach(Table::kMeta, kStatsPrefix, [&](std::string_view k, std::string_view v) -> absl::Status {
      absl::StatusOr<StatsRecord> r = DecodeStatsRecord(v);
      if (!r.ok()) return r.status();
      out.emplace_back(std::string(k.substr(kStatsPrefix.size())), *std::move(r));
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<size_t> Index::ClearStatsRecords() {
  size_t removed = 0;
  absl::Status s = env_->Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    removed = 0;
    std::vector<std::string> keys;
    absl::Status st = txn.ForEach(Table::kMeta, kStatsPrefix, [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    for (const std::string& k : keys) {
      absl::StatusOr<bool> d = txn.Delete(Table::kMeta, k);
      if (!d.ok()) return d.status();
      removed += *d ? 1 : 0;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return removed;
}

absl::StatusOr<IndexStats> Index::Stats() {
  IndexStats stats;
  stats.path = env_->dir();
  absl::Status s = env_->Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    absl::StatusOr<size_t> n = txn.Count(Table::kFiles);
    if (!n.ok()) return n.status();
    stats.files = *n;
    if (!(n = txn.Count(Table::kBlobs)).ok()) return n.status();
    stats.blobs = *n;
    if (!(n = txn.Count(Table::kProjects)).ok()) return n.status();
    stats.projects = *n;
    absl::Status st = txn.ForEach(Table::kMeta, kCacheDirPrefix, [&](std::string_view, std::string_view) {
      ++stats.cache_dirs;
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    return txn.ForEach(Table::kBlobs, "", [&](std::string_view, std::string_view v) -> absl::Status {
      absl::StatusOr<BlobRecord> r = DecodeBlobRecord(v);
      if (!r.ok()) return r.status();
      stats.blob_bytes += r->size;
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  stats.map_size = env_->map_size();
  return stats;
}

}  // namespace leancache::index
