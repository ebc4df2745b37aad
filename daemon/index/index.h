// Index: the daemon's persistent memory, one LMDB environment with four named tables (see
// records.h for the value encoding):
//   files    — source-file stamps and what hashing learnt from them (MemoSourceReader);
//   blobs    — archives per CACHEDIR: size, SHA-256, origin, times, users (store::BlobStore);
//   projects — per-project root hash, last get and counters;
//   meta     — schema version, CACHEDIR ids and their "scanned" markers.
// Thread-safe: one Index per process and directory, shared by all threads. Several processes
// may open the same directory at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "daemon/index/lmdb_env.h"
#include "daemon/index/records.h"
#include "daemon/index/schema.h"

namespace leancache::index {

struct IndexOptions {
  // Initial LMDB map size; the map doubles whenever a write finds it full.
  size_t initial_map_size = size_t{256} << 20;
  // Check the whole environment in a forked child before using it (see ProbeIndexInChild), so
  // damaged pages that would crash a reader lead to a rebuild instead. Needs a process without
  // other threads at the time of Open; when off, the check runs in-process.
  bool check_in_child = true;
};

struct IndexStats {
  uint64_t files = 0;
  uint64_t blobs = 0;
  uint64_t projects = 0;
  uint64_t cache_dirs = 0;
  uint64_t blob_bytes = 0;  // sum of the sizes of all blob records
  uint64_t map_size = 0;
  std::filesystem::path path;
};

class Index {
 public:
  static constexpr uint32_t kSchemaVersion = index::kSchemaVersion;

  // Opens the index in directory `dir` (created if missing) after reading all of it once. A
  // damaged environment (MDB_INVALID, MDB_CORRUPTED, MDB_VERSION_MISMATCH, MDB_PAGE_NOTFOUND, a
  // truncated data file, pages that crash a reader, a value that does not decode) or another schema version is moved aside to "<dir>.broken" (replacing an older
  // one) and a new, empty index is created; a warning is logged and rebuilt() is true.
  // Errors: filesystem/LMDB errors naming the directory (permission, disk full, ...).
  static absl::StatusOr<std::unique_ptr<Index>> Open(const std::filesystem::path& dir,
                                                     const IndexOptions& options);
  static absl::StatusOr<std::unique_ptr<Index>> Open(const std::filesystem::path& dir) {
    return Open(dir, IndexOptions());
  }

  // True if the previous index was unusable and was replaced by an empty one.
  bool rebuilt() const { return rebuilt_; }
  // Why it was rebuilt (empty if not).
  const std::string& rebuild_reason() const { return rebuild_reason_; }
  // True if this index started empty (new or rebuilt).
  bool fresh() const { return fresh_; }
  const std::filesystem::path& path() const { return env_->dir(); }

  // ---- files (keyed by absolute path) ----
  absl::StatusOr<std::optional<FileRecord>> GetFile(std::string_view path);
  // Writes all entries in one transaction.
  absl::Status PutFiles(absl::Span<const std::pair<std::string, FileRecord>> entries);
  absl::StatusOr<bool> RemoveFile(std::string_view path);

  // ---- blobs (keyed by CACHEDIR path + archive key) ----
  absl::StatusOr<std::optional<BlobRecord>> GetBlob(std::string_view cache_dir, uint64_t key);
  absl::Status PutBlob(std::string_view cache_dir, uint64_t key, const BlobRecord& record);
  // Writes all records in one transaction.
  absl::Status PutBlobs(std::string_view cache_dir,
                        absl::Span<const std::pair<uint64_t, BlobRecord>> records);
  // Applies `update` to the record of each key in `keys` that exists, in one transaction, and
  // returns how many existed. `update` may run more than once per key (if the map must grow).
  absl::StatusOr<size_t> UpdateBlobs(std::string_view cache_dir, absl::Span<const uint64_t> keys,
                                     const std::function<void(BlobRecord&)>& update);
  // Returns whether a record existed.
  absl::StatusOr<bool> RemoveBlob(std::string_view cache_dir, uint64_t key);
  // Removes the records of `keys` in one transaction; returns how many existed.
  absl::StatusOr<size_t> RemoveBlobs(std::string_view cache_dir, absl::Span<const uint64_t> keys);
  // All records of one CACHEDIR, in key order.
  absl::StatusOr<std::vector<std::pair<uint64_t, BlobRecord>>> ListBlobs(std::string_view cache_dir);

  // ---- CACHEDIR scan markers ----
  // When `cache_dir` was scanned into this index (unix ms), or nullopt if never.
  absl::StatusOr<std::optional<int64_t>> CacheDirScannedAt(std::string_view cache_dir);
  absl::Status MarkCacheDirScanned(std::string_view cache_dir, int64_t unix_ms);

  // ---- projects (keyed by project root) ----
  absl::StatusOr<std::optional<ProjectRecord>> GetProject(std::string_view root);
  absl::Status PutProject(std::string_view root, const ProjectRecord& record);
  // Records one finished get: sets root hash and last-get time, adds to the counters. Returns
  // the updated record.
  absl::StatusOr<ProjectRecord> RecordGet(std::string_view root, uint64_t root_hash,
                                          uint64_t files_downloaded, uint64_t bytes_downloaded,
                                          int64_t now_ms);
  // All projects whose root fits in an LMDB key (roots over ~500 bytes are stored hashed and
  // are not listed).
  absl::StatusOr<std::vector<std::pair<std::string, ProjectRecord>>> ListProjects();

  // ---- command statistics (meta "stats:<name>", see records.h) ----
  // The record `name` (e.g. "lifetime", "last:get"), or nullopt.
  absl::StatusOr<std::optional<StatsRecord>> GetStatsRecord(std::string_view name);
  // Applies `update` to the record of each name in `names` (a default record when absent) and
  // stores them, in one transaction. `update` may run more than once (if the map must grow).
  absl::Status UpdateStatsRecords(absl::Span<const std::string> names,
                                  const std::function<void(std::string_view name, StatsRecord&)>& update);
  // Every stats record, by name (without the "stats:" prefix), in name order.
  absl::StatusOr<std::vector<std::pair<std::string, StatsRecord>>> ListStatsRecords();
  // Deletes every stats record; returns how many there were.
  absl::StatusOr<size_t> ClearStatsRecords();

  absl::StatusOr<IndexStats> Stats();

  // The environment, for tests and tools that need raw access.
  LmdbEnv& env() { return *env_; }

 private:
  explicit Index(std::unique_ptr<LmdbEnv> env) : env_(std::move(env)) {}
  static absl::StatusOr<std::unique_ptr<LmdbEnv>> OpenValidated(const std::filesystem::path& dir,
                                                                const IndexOptions& options,
                                                                bool* fresh);

  // Table key for a path-like string: the string itself, or "\xff" + SHA-256 when too long.
  std::string PathKey(std::string_view prefix, std::string_view path) const;
  // CACHEDIR id lookup (nullopt if unknown) and registration (inside a write transaction).
  absl::StatusOr<std::optional<uint32_t>> FindCacheDir(LmdbEnv::Txn& txn, std::string_view cache_dir);
  absl::StatusOr<uint32_t> RegisterCacheDir(LmdbEnv::Txn& txn, std::string_view cache_dir);
  void RememberCacheDir(std::string_view cache_dir, uint32_t id);

  std::unique_ptr<LmdbEnv> env_;
  bool rebuilt_ = false;
  bool fresh_ = false;
  std::string rebuild_reason_;
  std::mutex cache_dirs_mu_;
  absl::flat_hash_map<std::string, uint32_t> cache_dir_ids_;  // ids never change once assigned
};

}  // namespace leancache::index
