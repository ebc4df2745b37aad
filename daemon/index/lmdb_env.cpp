#include "daemon/index/lmdb_env.h"

#include <errno.h>
#include <sys/stat.h>

#include <cstring>
#include <mutex>
#include <vector>
#include <system_error>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace leancache::index {
namespace {

constexpr const char* kLmdbPayload = "leancache/lmdb-rc";
constexpr int kMaxWriteAttempts = 40;  // 40 doublings is far beyond any address space
constexpr unsigned kMaxReaders = 512;

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// Closes an MDB_env that was created but never handed to an LmdbEnv.
struct EnvCloser {
  void operator()(MDB_env* env) const { mdb_env_close(env); }
};

}  // namespace

const char* TableName(Table table) {
  switch (table) {
    case Table::kMeta: return "meta";
    case Table::kFiles: return "files";
    case Table::kBlobs: return "blobs";
    case Table::kProjects: return "projects";
  }
  return "?";
}

absl::Status LmdbError(int rc, std::string_view what) {
  std::string msg = absl::StrCat(std::string(what), ": ", mdb_strerror(rc));
  absl::Status status;
  switch (rc) {
    case MDB_NOTFOUND:
    case ENOENT:
      status = absl::NotFoundError(msg);
      break;
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case MDB_PANIC:
      status = absl::DataLossError(msg);
      break;
    case MDB_MAP_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case MDB_TLS_FULL:
    case ENOSPC:
    case ENOMEM:
    case EDQUOT:
      status = absl::ResourceExhaustedError(msg);
      break;
    case MDB_BAD_VALSIZE:
    case EINVAL:
      status = absl::InvalidArgumentError(msg);
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      status = absl::PermissionDeniedError(msg);
      break;
    case EAGAIN:
    case EBUSY:
      status = absl::UnavailableError(msg);
      break;
    default:
      status = absl::InternalError(msg);
  }
  status.SetPayload(kLmdbPayload, absl::Cord(absl::StrCat(rc)));
  return status;
}

std::optional<int> LmdbCode(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kLmdbPayload);
  int rc = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &rc)) return std::nullopt;
  return rc;
}

// ---- Txn ----

absl::StatusOr<std::optional<std::string_view>> LmdbEnv::Txn::Get(Table table, std::string_view key) {
  MDB_val k = Val(key), v{};
  int rc = mdb_get(txn_, dbis_[static_cast<int>(table)], &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) return LmdbError(rc, absl::StrCat("reading index table ", TableName(table)));
  return std::optional<std::string_view>(View(v));
}

absl::Status LmdbEnv::Txn::Put(Table table, std::string_view key, std::string_view value) {
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, dbis_[static_cast<int>(table)], &k, &v, 0);
  if (rc == EACCES) return absl::FailedPreconditionError("index write in a read-only transaction");
  if (rc != 0) return LmdbError(rc, absl::StrCat("writing index table ", TableName(table)));
  return absl::OkStatus();
}

absl::StatusOr<bool> LmdbEnv::Txn::Delete(Table table, std::string_view key) {
  MDB_val k = Val(key);
  int rc = mdb_del(txn_, dbis_[static_cast<int>(table)], &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc == EACCES) return absl::FailedPreconditionError("index delete in a read-only transaction");
  if (rc != 0) return LmdbError(rc, absl::StrCat("deleting from index table ", TableName(table)));
  return true;
}

absl::Status LmdbEnv::Txn::ForEach(
    Table table, std::string_view prefix,
    const std::function<absl::Status(std::string_view, std::string_view)>& fn) {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn_, dbis_[static_cast<int>(table)], &cursor);
  if (rc != 0) return LmdbError(rc, absl::StrCat("opening a cursor on index table ", TableName(table)));
  std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
  MDB_val k = Val(prefix), v{};
  rc = mdb_cursor_get(cursor, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view key = View(k);
    if (key.substr(0, prefix.size()) != prefix) return absl::OkStatus();
    if (absl::Status s = fn(key, View(v)); !s.ok()) return s;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND) return LmdbError(rc, absl::StrCat("iterating index table ", TableName(table)));
  return absl::OkStatus();
}

absl::StatusOr<size_t> LmdbEnv::Txn::Count(Table table) {
  MDB_stat st;
  int rc = mdb_stat(txn_, dbis_[static_cast<int>(table)], &st);
  if (rc != 0) return LmdbError(rc, absl::StrCat("counting index table ", TableName(table)));
  return st.ms_entries;
}

absl::Status LmdbEnv::Txn::CheckInternalTrees() {
  MDB_envinfo info;
  int rc = mdb_env_info(mdb_txn_env(txn_), &info);
  if (rc != 0) return LmdbError(rc, "inspecting the environment");
  for (MDB_dbi dbi : {MDB_dbi{0}, MDB_dbi{1}}) {  // FREE_DBI, MAIN_DBI
    MDB_cursor* cursor = nullptr;
    rc = mdb_cursor_open(txn_, dbi, &cursor);
    if (rc != 0) return LmdbError(rc, "opening a cursor on LMDB's internal trees");
    std::unique_ptr<MDB_cursor, void (*)(MDB_cursor*)> guard(cursor, mdb_cursor_close);
    MDB_val k{}, v{};
    while ((rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) == 0) {
      if (dbi != 0) continue;
      // A free-list value is a page-number list: count, then that many page numbers, all of
      // which a later write may reuse, so each must lie inside the file.
      if (v.mv_size < sizeof(size_t) || v.mv_size % sizeof(size_t) != 0) {
        return absl::DataLossError("LMDB free list: malformed entry");
      }
      const size_t n = v.mv_size / sizeof(size_t);
      std::vector<size_t> ids(n);
      std::memcpy(ids.data(), v.mv_data, v.mv_size);
      if (ids[0] != n - 1) return absl::DataLossError("LMDB free list: entry length disagrees with its count");
      for (size_t i = 1; i < n; ++i) {
        if (ids[i] < 2 || ids[i] > info.me_last_pgno) {
          return absl::DataLossError(absl::StrCat("LMDB free list: page ", ids[i], " outside the file"));
        }
      }
    }
    if (rc != MDB_NOTFOUND) return LmdbError(rc, "reading LMDB's internal trees");
  }
  return absl::OkStatus();
}

// ---- LmdbEnv ----

absl::StatusOr<std::unique_ptr<LmdbEnv>> LmdbEnv::Open(const std::filesystem::path& dir,
                                                       const Options& options, bool* fresh) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return LmdbError(ec.value(), absl::StrCat("creating index directory ", dir.string()));

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != 0) return LmdbError(rc, "mdb_env_create");
  std::unique_ptr<MDB_env, EnvCloser> env(raw);
  if ((rc = mdb_env_set_maxdbs(raw, 8)) != 0 || (rc = mdb_env_set_maxreaders(raw, kMaxReaders)) != 0 ||
      (rc = mdb_env_set_mapsize(raw, options.initial_map_size)) != 0) {
    return LmdbError(rc, absl::StrCat("configuring index environment ", dir.string()));
  }
  unsigned flags = MDB_NOTLS | MDB_NOMETASYNC | (options.read_only ? MDB_RDONLY : 0);
  rc = mdb_env_open(raw, dir.c_str(), flags, 0600);
  if (rc != 0) return LmdbError(rc, absl::StrCat("opening index environment ", dir.string()));

  std::unique_ptr<LmdbEnv> self(new LmdbEnv(env.release(), dir));
  self->max_key_size_ = static_cast<size_t>(mdb_env_get_maxkeysize(self->env_));
  if (absl::Status s = self->CheckFileLength(); !s.ok()) return s;
  int dead = 0;
  mdb_reader_check(self->env_, &dead);  // free reader slots of crashed processes

  // Open (or create) the named databases. Handles opened in a transaction must be committed.
  MDB_txn* txn = nullptr;
  const unsigned txn_flags = options.read_only ? MDB_RDONLY : 0;
  rc = mdb_txn_begin(self->env_, nullptr, txn_flags, &txn);
  if (rc == MDB_MAP_RESIZED) {
    mdb_env_set_mapsize(self->env_, 0);
    rc = mdb_txn_begin(self->env_, nullptr, txn_flags, &txn);
  }
  if (rc != 0) return LmdbError(rc, absl::StrCat("starting a transaction on ", dir.string()));
  auto fail = [&](int code, std::string_view what) {
    mdb_txn_abort(txn);
    return LmdbError(code, absl::StrCat(std::string(what), " in ", dir.string()));
  };
  MDB_dbi meta = 0;
  rc = mdb_dbi_open(txn, TableName(Table::kMeta), 0, &meta);
  if (rc == MDB_NOTFOUND) {
    // No meta table: either a brand-new environment or something that is not our index.
    MDB_dbi main_db = 0;
    MDB_stat st;
    if ((rc = mdb_dbi_open(txn, nullptr, 0, &main_db)) != 0 || (rc = mdb_stat(txn, main_db, &st)) != 0) {
      return fail(rc, "reading the main database");
    }
    if (st.ms_entries != 0) {
      mdb_txn_abort(txn);
      return absl::DataLossError(absl::StrCat(dir.string(), ": an LMDB environment without a meta table"));
    }
    *fresh = true;
    if (options.read_only) {
      mdb_txn_abort(txn);
      return self;  // nothing to open; the tables do not exist yet
    }
  } else if (rc != 0) {
    return fail(rc, "opening table meta");
  } else {
    *fresh = false;
  }
  for (int i = 0; i < kTableCount; ++i) {
    rc = mdb_dbi_open(txn, TableName(static_cast<Table>(i)), options.read_only ? 0 : MDB_CREATE, &self->dbis_[i]);
    if (rc == MDB_NOTFOUND) {
      mdb_txn_abort(txn);
      return absl::DataLossError(absl::StrCat(dir.string(), ": table ", TableName(static_cast<Table>(i)), " is missing"));
    }
    if (rc != 0) return fail(rc, absl::StrCat("opening table ", TableName(static_cast<Table>(i))));
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return LmdbError(rc, absl::StrCat("opening the index tables in ", dir.string()));
  return self;
}

LmdbEnv::~LmdbEnv() { mdb_env_close(env_); }

absl::Status LmdbEnv::CheckFileLength() const {
  MDB_envinfo info;
  MDB_stat st;
  int rc = mdb_env_info(env_, &info);
  if (rc == 0) rc = mdb_env_stat(env_, &st);
  if (rc != 0) return LmdbError(rc, absl::StrCat("inspecting ", dir_.string()));
  std::string data_file = (dir_ / "data.mdb").string();
  struct stat fst;
  if (::stat(data_file.c_str(), &fst) != 0) return LmdbError(errno, absl::StrCat("stat ", data_file));
  uint64_t needed = (static_cast<uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
  if (static_cast<uint64_t>(fst.st_size) < needed) {
    return absl::DataLossError(absl::StrCat(data_file, " is truncated: ", fst.st_size,
                                            " bytes, its pages need ", needed));
  }
  return absl::OkStatus();
}

size_t LmdbEnv::map_size() const {
  absl::ReaderMutexLock lock(&resize_mu_);
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != 0) return 0;
  return info.me_mapsize;
}

absl::Status LmdbEnv::AdoptMapSize() {
  absl::MutexLock lock(&resize_mu_);
  int rc = mdb_env_set_mapsize(env_, 0);
  if (rc != 0) return LmdbError(rc, absl::StrCat("adopting the new map size of ", dir_.string()));
  return absl::OkStatus();
}

absl::Status LmdbEnv::GrowMap(size_t seen_size) {
  absl::MutexLock lock(&resize_mu_);
  MDB_envinfo info;
  int rc = mdb_env_info(env_, &info);
  if (rc != 0) return LmdbError(rc, absl::StrCat("inspecting ", dir_.string()));
  if (info.me_mapsize > seen_size) return absl::OkStatus();  // another thread grew it already
  size_t new_size = info.me_mapsize * 2;
  rc = mdb_env_set_mapsize(env_, new_size);
  if (rc != 0) return LmdbError(rc, absl::StrCat("growing the map of ", dir_.string(), " to ", new_size));
  return absl::OkStatus();
}

absl::Status LmdbEnv::Begin(unsigned flags, SharedHold& hold, MDB_txn** txn) {
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    hold.Acquire(&resize_mu_);
    int rc = mdb_txn_begin(env_, nullptr, flags, txn);
    if (rc == 0) return absl::OkStatus();
    hold.Release();
    if (rc != MDB_MAP_RESIZED) return LmdbError(rc, absl::StrCat("starting a transaction on ", dir_.string()));
    if (absl::Status s = AdoptMapSize(); !s.ok()) return s;
  }
  return absl::InternalError(absl::StrCat(dir_.string(), ": the map keeps being resized"));
}

absl::Status LmdbEnv::Read(const std::function<absl::Status(Txn&)>& fn) {
  SharedHold hold;
  MDB_txn* txn = nullptr;
  if (absl::Status s = Begin(MDB_RDONLY, hold, &txn); !s.ok()) return s;
  Txn t(txn, dbis_);
  absl::Status status = fn(t);
  mdb_txn_abort(txn);
  return status;
}

absl::Status LmdbEnv::Write(const std::function<absl::Status(Txn&)>& fn) {
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    SharedHold hold;
    MDB_txn* txn = nullptr;
    if (absl::Status s = Begin(0, hold, &txn); !s.ok()) return s;
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    Txn t(txn, dbis_);
    absl::Status status = fn(t);
    int rc = 0;
    if (status.ok()) {
      rc = mdb_txn_commit(txn);  // frees the transaction whatever the outcome
      if (rc == 0) return absl::OkStatus();
      status = LmdbError(rc, absl::StrCat("committing to ", dir_.string()));
    } else {
      mdb_txn_abort(txn);
    }
    if (LmdbCode(status) != MDB_MAP_FULL) return status;
    hold.Release();
    if (absl::Status s = GrowMap(info.me_mapsize); !s.ok()) return s;
  }
  return absl::ResourceExhaustedError(absl::StrCat(dir_.string(), ": the index map cannot grow further"));
}

}  // namespace leancache::index
