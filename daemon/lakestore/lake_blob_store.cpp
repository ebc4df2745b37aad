#include "daemon/lakestore/lake_blob_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock/unix_ms.h"
#include "common/fs/fd.h"
#include "common/fs/temp_sweep.h"
#include "common/hash/lean_hash.h"
#include "daemon/store/file_digest.h"

namespace leancache::lakestore {
namespace {

// Lake hash + SHA-256 + size of an open file.
struct Verified {
  uint64_t lake_hash = 0;
  store::FileDigest digest;
};

absl::StatusOr<Verified> HashOpenFile(int fd, const std::string& what) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return fs::ErrnoError(errno, absl::StrCat("stat ", what));
  const size_t size = static_cast<size_t>(st.st_size);
  // One read into a buffer that is not zero-filled first; both hashes run over it.
  std::unique_ptr<char[]> bytes = std::make_unique_for_overwrite<char[]>(size + 1);
  size_t done = 0;
  for (;;) {
    ssize_t n = ::pread(fd, bytes.get() + done, size + 1 - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fs::ErrnoError(errno, absl::StrCat("read ", what));
    if (n == 0) break;
    done += static_cast<size_t>(n);
    if (done > size) return absl::DataLossError(absl::StrCat(what, ": file changed while being read"));
  }
  if (done != size) return absl::DataLossError(absl::StrCat(what, ": file shrank while being read"));
  const std::string_view view(bytes.get(), size);
  Verified v;
  v.lake_hash = hash::BytesHash(view);
  absl::StatusOr<store::FileDigest> digest = store::DigestBytes(view);
  if (!digest.ok()) return digest.status();
  v.digest = *digest;
  return v;
}

}  // namespace

std::string LakeBlobStore::LakeName(uint64_t hash, std::string_view ext) {
  return absl::StrCat(hash::Hex16(hash), ".", std::string(ext));
}

std::string LakeBlobStore::ServiceName(uint64_t hash, std::string_view) {
  return absl::StrCat(hash::Hex16(hash), ".art");
}

absl::StatusOr<std::unique_ptr<LakeBlobStore>> LakeBlobStore::Open(const std::filesystem::path& dir,
                                                                   index::Index* index, NameFn name_of) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", dir.string(), ": ", ec.message()));
  std::filesystem::path canonical = std::filesystem::canonical(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot resolve ", dir.string(), ": ", ec.message()));
  return std::unique_ptr<LakeBlobStore>(new LakeBlobStore(canonical, index, std::move(name_of)));
}

std::filesystem::path LakeBlobStore::PathOf(uint64_t lake_hash, std::string_view ext) const {
  return dir_ / name_of_(lake_hash, ext);
}

absl::StatusOr<fs::OwnedFile> LakeBlobStore::NewTemp(uint64_t lake_hash) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t r = 0;
    if (::getrandom(&r, sizeof(r), 0) != sizeof(r)) r = static_cast<uint32_t>(clock::UnixMs()) ^ static_cast<uint32_t>(attempt);
    std::string path = fs::TempName(dir_.string(), ::getpid(), absl::StrFormat("%s%08x", hash::Hex16(lake_hash), r));
    fs::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.valid()) return fs::OwnedFile(path);
    if (errno != EEXIST) return fs::ErrnoError(errno, absl::StrCat("create ", path));
  }
  return absl::InternalError(absl::StrCat("cannot create a unique temp file in ", dir_.string()));
}

absl::StatusOr<LakeBlobInfo> LakeBlobStore::Record(uint64_t lake_hash, const std::filesystem::path& path,
                                                   uint64_t size, const index::Sha256& sha,
                                                   std::string_view user, std::string_view origin) {
  absl::StatusOr<std::optional<index::BlobRecord>> old = index_->GetBlob(dir_key_, lake_hash);
  if (!old.ok()) return old.status();
  index::BlobRecord rec = old->value_or(index::BlobRecord());
  const int64_t now = clock::UnixMs();
  if (!old->has_value() || rec.sha256 != sha || rec.size != size) {
    rec.size = size;
    rec.sha256 = sha;
    rec.origin = std::string(origin);
    rec.added_ms = now;
  }
  rec.last_access_ms = now;
  if (!user.empty()) rec.users.insert(std::string(user));
  if (absl::Status s = index_->PutBlob(dir_key_, lake_hash, rec); !s.ok()) return s;
  return LakeBlobInfo{lake_hash, size, store::Sha256Hex(sha), path};
}

absl::StatusOr<LakeBlobInfo> LakeBlobStore::Adopt(uint64_t lake_hash, std::string_view ext,
                                                  const std::filesystem::path& temp_path,
                                                  std::string_view user, std::string_view origin) {
  return AdoptImpl(lake_hash, ext, temp_path, user, origin, /*deferred=*/false);
}

absl::StatusOr<LakeBlobInfo> LakeBlobStore::AdoptDeferred(uint64_t lake_hash, std::string_view ext,
                                                          const std::filesystem::path& temp_path) {
  return AdoptImpl(lake_hash, ext, temp_path, "", "", /*deferred=*/true);
}

absl::Status LakeBlobStore::SyncDir() { return fs::FsyncDir(dir_.string()); }

absl::Status LakeBlobStore::RecordAll(const std::vector<LakeBlobInfo>& blobs, std::string_view user,
                                      std::string_view origin) {
  if (blobs.empty()) return absl::OkStatus();
  const int64_t now = clock::UnixMs();
  std::vector<std::pair<uint64_t, index::BlobRecord>> out;
  for (const auto& b : blobs) {
    absl::StatusOr<std::optional<index::BlobRecord>> old = index_->GetBlob(dir_key_, b.lake_hash);
    if (!old.ok()) return old.status();
    index::BlobRecord rec = old->value_or(index::BlobRecord());
    index::Sha256 sha{};
    for (size_t i = 0; i < sha.size() && 2 * i + 1 < b.sha256_hex.size(); ++i) {
      sha[i] = static_cast<uint8_t>(std::stoi(b.sha256_hex.substr(2 * i, 2), nullptr, 16));
    }
    if (rec.sha256 != sha || rec.size != b.size) {
      rec.size = b.size;
      rec.sha256 = sha;
      rec.origin = std::string(origin);
      rec.added_ms = now;
    }
    rec.last_access_ms = now;
    if (!user.empty()) rec.users.insert(std::string(user));
    out.emplace_back(b.lake_hash, std::move(rec));
  }
  return index_->PutBlobs(dir_key_, out);
}

absl::StatusOr<LakeBlobInfo> LakeBlobStore::AdoptImpl(uint64_t lake_hash, std::string_view ext,
                                                      const std::filesystem::path& temp_path,
                                                      std::string_view user, std::string_view origin,
                                                      bool deferred) {
  fs::OwnedFile owned(temp_path);  // consumed in every case
  const std::string temp = temp_path.string();
  fs::Fd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::ErrnoError(errno, absl::StrCat("open ", temp));
  absl::StatusOr<Verified> v = HashOpenFile(fd.get(), temp);
  if (!v.ok()) return v.status();
  const std::string name = name_of_(lake_hash, ext);
  if (v->lake_hash != lake_hash) {
    return absl::DataLossError(absl::StrCat(name, ": hash mismatch: expected ", hash::Hex16(lake_hash),
                                            ", got ", hash::Hex16(v->lake_hash)));
  }
  const std::filesystem::path final_path = dir_ / name;
  struct stat st;
  if (::stat(final_path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) == v->digest.size) {
    fs::Fd existing(::open(final_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (existing.valid()) {
      absl::StatusOr<Verified> ev = HashOpenFile(existing.get(), final_path.string());
      if (ev.ok() && ev->digest.sha256 == v->digest.sha256) {  // an equal blob is present
        if (deferred) return LakeBlobInfo{lake_hash, v->digest.size, store::Sha256Hex(v->digest.sha256), final_path};
        return Record(lake_hash, final_path, v->digest.size, v->digest.sha256, user, origin);
      }
    }
  }
  if (::fchmod(fd.get(), 0444) != 0) return fs::ErrnoError(errno, absl::StrCat("chmod ", temp));
  if (!deferred && ::fsync(fd.get()) != 0) return fs::ErrnoError(errno, absl::StrCat("fsync ", temp));
  fd.Reset();
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    return fs::ErrnoError(errno, absl::StrCat("rename ", temp, " to ", final_path.string()));
  }
  owned.Release();
  if (deferred) return LakeBlobInfo{lake_hash, v->digest.size, store::Sha256Hex(v->digest.sha256), final_path};
  if (absl::Status s = fs::FsyncDir(dir_.string()); !s.ok()) return s;
  return Record(lake_hash, final_path, v->digest.size, v->digest.sha256, user, origin);
}

absl::StatusOr<LakeBlobInfo> LakeBlobStore::Find(uint64_t lake_hash, std::string_view ext) {
  const std::filesystem::path path = PathOf(lake_hash, ext);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat(path.string(), " not found"));
  }
  absl::StatusOr<std::optional<index::BlobRecord>> rec = index_->GetBlob(dir_key_, lake_hash);
  if (!rec.ok()) return rec.status();
  if (rec->has_value()) {
    if ((*rec)->size != static_cast<uint64_t>(st.st_size)) {
      return absl::DataLossError(absl::StrCat(path.string(), ": size ", st.st_size, " differs from the recorded ",
                                              (*rec)->size));
    }
    return LakeBlobInfo{lake_hash, (*rec)->size, store::Sha256Hex((*rec)->sha256), path};
  }
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::ErrnoError(errno, absl::StrCat("open ", path.string()));
  absl::StatusOr<Verified> v = HashOpenFile(fd.get(), path.string());
  if (!v.ok()) return v.status();
  if (v->lake_hash != lake_hash) {
    return absl::DataLossError(absl::StrCat(path.string(), ": hash mismatch: expected ", hash::Hex16(lake_hash),
                                            ", got ", hash::Hex16(v->lake_hash)));
  }
  return Record(lake_hash, path, v->digest.size, v->digest.sha256, "", "found");
}

absl::StatusOr<size_t> LakeBlobStore::Touch(absl::Span<const uint64_t> hashes, std::string_view user) {
  const int64_t now = clock::UnixMs();
  return index_->UpdateBlobs(dir_key_, hashes, [&](index::BlobRecord& r) {
    r.last_access_ms = now;
    if (!user.empty()) r.users.insert(std::string(user));
  });
}

absl::StatusOr<std::vector<std::pair<uint64_t, index::BlobRecord>>> LakeBlobStore::List() {
  return index_->ListBlobs(dir_key_);
}

absl::StatusOr<uint64_t> LakeBlobStore::Remove(absl::Span<const uint64_t> hashes) {
  std::set<std::string> victims;
  for (uint64_t h : hashes) victims.insert(hash::Hex16(h));
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > 17 && name[16] == '.' && victims.count(name.substr(0, 16)) > 0) {
      if (::unlink(it->path().c_str()) != 0 && errno != ENOENT) {
        return fs::ErrnoError(errno, absl::StrCat("remove ", it->path().string()));
      }
    }
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot list ", dir_.string(), ": ", ec.message()));
  uint64_t freed = 0;
  for (uint64_t h : hashes) {
    absl::StatusOr<std::optional<index::BlobRecord>> rec = index_->GetBlob(dir_key_, h);
    if (rec.ok() && rec->has_value()) freed += (*rec)->size;
  }
  absl::StatusOr<size_t> removed = index_->RemoveBlobs(dir_key_, hashes);
  if (!removed.ok()) return removed.status();
  return freed;
}

}  // namespace leancache::lakestore
