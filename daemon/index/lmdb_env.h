// LmdbEnv: one LMDB environment with the index's named databases, shared by all threads of the
// process (MDB_NOTLS), and transactions run as callbacks so the map can grow transparently.
//
// Sync policy: MDB_NOMETASYNC — data pages are fsynced on every commit, the meta page is
// written but fsynced only with the next commit. A system crash can lose the last committed
// transaction but never leaves the environment inconsistent; everything in the index can be
// relearnt (file hashes, archive scans), so that trade halves the fsyncs per commit.
//
// Map size: a write that hits MDB_MAP_FULL is aborted, the map is doubled (no transaction of
// this process is open at that moment) and the callback runs again; a transaction that finds
// another process grew the map (MDB_MAP_RESIZED) adopts the new size and retries.
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace leancache::index {

// The named databases of the index.
enum class Table { kMeta = 0, kFiles = 1, kBlobs = 2, kProjects = 3 };
inline constexpr int kTableCount = 4;
const char* TableName(Table table);

// An absl::Status for LMDB return code `rc` (errno values included): "<what>: <mdb_strerror>".
// Damage codes (MDB_INVALID, MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_VERSION_MISMATCH,
// MDB_INCOMPATIBLE, MDB_BAD_TXN) map to DataLoss; MDB_MAP_FULL to ResourceExhausted. The LMDB
// code is attached as a payload, readable with LmdbCode().
absl::Status LmdbError(int rc, std::string_view what);
// The LMDB code carried by a status made by LmdbError, if any.
std::optional<int> LmdbCode(const absl::Status& status);

class LmdbEnv {
 public:
  // A transaction handed to Read/Write callbacks. Views returned by Get/ForEach point into the
  // map and are valid only until the callback returns.
  class Txn {
   public:
    // NotFound is not an error: returns nullopt.
    absl::StatusOr<std::optional<std::string_view>> Get(Table table, std::string_view key);
    // Errors in read-only transactions: FailedPrecondition.
    absl::Status Put(Table table, std::string_view key, std::string_view value);
    // Returns whether the key existed.
    absl::StatusOr<bool> Delete(Table table, std::string_view key);
    // Calls `fn` for each entry whose key starts with `prefix`, in key order, until it returns an
    // error (which is passed on).
    absl::Status ForEach(Table table, std::string_view prefix,
                         const std::function<absl::Status(std::string_view key, std::string_view value)>& fn);
    absl::StatusOr<size_t> Count(Table table);
    // Reads every entry of LMDB's own trees (free list, main database), so damaged pages there
    // are found. Errors: LMDB errors (DataLoss for damage).
    absl::Status CheckInternalTrees();

   private:
    friend class LmdbEnv;
    Txn(MDB_txn* txn, const MDB_dbi* dbis) : txn_(txn), dbis_(dbis) {}
    MDB_txn* txn_;
    const MDB_dbi* dbis_;
  };

  struct Options {
    size_t initial_map_size = size_t{64} << 20;
    // Open with MDB_RDONLY and never create anything (Write() then fails).
    bool read_only = false;
  };

  // Opens (creating if needed) the environment in directory `dir` (created if missing) and its
  // named databases. `fresh` is set to whether the environment had no `meta` database yet.
  // Errors: DataLoss for a damaged or incompatible environment, other LMDB/errno errors naming
  // the directory.
  static absl::StatusOr<std::unique_ptr<LmdbEnv>> Open(const std::filesystem::path& dir,
                                                       const Options& options, bool* fresh);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  // Runs `fn` in a read-only transaction. Any number may run at once, from any thread.
  absl::Status Read(const std::function<absl::Status(Txn&)>& fn);
  // Runs `fn` in a write transaction and commits if it returns OK. Write transactions are
  // serialised (across processes too). `fn` may run more than once (after the map grew), so it
  // must not carry state between attempts.
  absl::Status Write(const std::function<absl::Status(Txn&)>& fn);

  size_t map_size() const;
  // Largest key LMDB accepts (511 bytes with the default build).
  size_t max_key_size() const { return max_key_size_; }
  const std::filesystem::path& dir() const { return dir_; }
  // Checks that data.mdb is long enough for every page the meta page claims (a truncated file
  // would otherwise crash with SIGBUS on first access). DataLoss if not.
  absl::Status CheckFileLength() const;

 private:
  LmdbEnv(MDB_env* env, std::filesystem::path dir) : env_(env), dir_(std::move(dir)) {}
  // Begins a transaction with the shared lock held; handles MDB_MAP_RESIZED.
  // A shared hold on resize_mu_, released on destruction or by Release().
  class SharedHold {
   public:
    SharedHold() = default;
    SharedHold(const SharedHold&) = delete;
    SharedHold& operator=(const SharedHold&) = delete;
    ~SharedHold() { Release(); }
    void Acquire(absl::Mutex* mu) {
      Release();
      mu->ReaderLock();
      mu_ = mu;
    }
    void Release() {
      if (mu_ != nullptr) mu_->ReaderUnlock();
      mu_ = nullptr;
    }

   private:
    absl::Mutex* mu_ = nullptr;
  };
  absl::Status Begin(unsigned flags, SharedHold& hold, MDB_txn** txn);
  absl::Status AdoptMapSize();
  absl::Status GrowMap(size_t seen_size);

  MDB_env* env_;
  std::filesystem::path dir_;
  MDB_dbi dbis_[kTableCount] = {};
  size_t max_key_size_ = 511;
  // Held shared by every open transaction, exclusively while the map is resized. absl::Mutex
  // lets a waiting resizer in ahead of new readers, so a stream of reads cannot starve it.
  mutable absl::Mutex resize_mu_;
};

}  // namespace leancache::index
