#include "daemon/multiuser/upstream.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "daemon/multiuser/blob_chunk.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/blob_store.h"
#include "daemon/store/file_digest.h"
#include "leancache/v1/endpoint.h"
#include "spdlog/spdlog.h"

namespace leancache::multiuser {
namespace {

constexpr auto kStatDeadline = std::chrono::seconds(5);
constexpr auto kTransferDeadline = std::chrono::seconds(300);

void SetDeadline(grpc::ClientContext* context, std::chrono::seconds d) {
  context->set_deadline(std::chrono::system_clock::now() + d);
}

const char* MaterializedName(Materialized m) {
  switch (m) {
    case Materialized::kHardLink: return "hard link";
    case Materialized::kReflink: return "reflink";
    case Materialized::kKernelCopy: return "copy";
    case Materialized::kStreamed: return "stream";
  }
  return "?";
}

// Fills `temp` from the readable shared file at `path` without passing the bytes through us
// where the filesystem allows. Errors: the file cannot be opened (the caller then streams).
absl::StatusOr<Materialized> FromPath(const std::string& path, const std::filesystem::path& temp) {
  fs::Fd src(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!src.valid()) return fs::ErrnoError(errno, absl::StrCat("open ", path));
  // A hard link shares the inode: no bytes at all. Needs the same filesystem, and the kernel's
  // protected_hardlinks rule lets only the file's owner (or a writer of it) link it.
  if (::unlink(temp.c_str()) == 0 && ::link(path.c_str(), temp.c_str()) == 0) return Materialized::kHardLink;
  fs::Fd dst(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!dst.valid()) return fs::ErrnoError(errno, absl::StrCat("create ", temp.string()));
  if (::ioctl(dst.get(), FICLONE, src.get()) == 0) return Materialized::kReflink;
  while (true) {
    ssize_t n = ::copy_file_range(src.get(), nullptr, dst.get(), nullptr, 1 << 30, 0);
    if (n == 0) break;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
      // Old kernels or odd filesystems: a plain read/write loop.
      if (::ftruncate(dst.get(), 0) != 0 || ::lseek(src.get(), 0, SEEK_SET) != 0 || ::lseek(dst.get(), 0, SEEK_SET) != 0) {
        return fs::ErrnoError(errno, absl::StrCat("rewind ", temp.string()));
      }
      auto bytes = fs::ReadAll(src.get(), path);
      if (!bytes.ok()) return bytes.status();
      if (auto st = fs::WriteAll(dst.get(), *bytes, temp.string()); !st.ok()) return st;
      break;
    }
    return fs::ErrnoError(errno, absl::StrCat("copy ", path, " to ", temp.string()));
  }
  return Materialized::kKernelCopy;
}

}  // namespace

Upstream::Upstream(std::string socket_path) : socket_path_(std::move(socket_path)) {}

Upstream::~Upstream() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
    queue_.clear();
  }
  queue_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::unique_ptr<v1::Cache::Stub> Upstream::Stub() {
  struct stat st {};
  if (::stat(socket_path_.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    spdlog::debug("shared cache: no system daemon socket at {}", socket_path_);
    return nullptr;
  }
  std::lock_guard lock(channel_mu_);
  if (!channel_) {
    grpc::ChannelArguments args;
    // The system daemon may restart at any time: retry the connection quickly, never for long.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    args.SetMaxReceiveMessageSize(32 << 20);
    channel_ = grpc::CreateCustomChannel(api::GrpcTarget(socket_path_),
                                         grpc::InsecureChannelCredentials(), args);
  }
  return v1::Cache::NewStub(channel_);
}

void Upstream::NoteFailure(const std::string& what) {
  if (!warned_.exchange(true)) {
    spdlog::warn("shared cache at {} not usable, using the HTTP sources: {}", socket_path_, what);
  } else {
    spdlog::debug("shared cache at {}: {}", socket_path_, what);
  }
}

void Upstream::NoteSuccess() {
  if (warned_.exchange(false)) spdlog::info("shared cache at {} is usable again", socket_path_);
}

bool Upstream::FetchOne(v1::Cache::Stub& stub, store::BlobStore& store, uint64_t key) {
  const std::string hash16 = store::BlobFileName(key).substr(0, 16);
  v1::BlobRef ref;
  ref.set_hash16(hash16);
  v1::BlobInfo info;
  {
    grpc::ClientContext context;
    SetDeadline(&context, kStatDeadline);
    grpc::Status s = stub.StatBlob(&context, ref, &info);
    if (!s.ok()) {
      NoteFailure(absl::StrCat("StatBlob: ", s.error_message()));
      return false;
    }
  }
  NoteSuccess();
  if (!info.found()) return false;
  auto temp = store.TempPathFor(key);
  if (!temp.ok()) {
    spdlog::warn("shared cache: {}", std::string(temp.status().message()));
    return false;
  }
  auto drop_temp = [&] {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
  };
  absl::StatusOr<Materialized> how = absl::NotFoundError("no path");
  if (!info.path().empty()) how = FromPath(info.path(), *temp);
  if (!how.ok()) {
    spdlog::debug("shared cache: {} not usable in place ({}), streaming it", hash16, std::string(how.status().message()));
    grpc::ClientContext context;
    SetDeadline(&context, kTransferDeadline);
    auto reader = stub.ReadBlob(&context, ref);
    fs::Fd dst(::open(temp->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    absl::Status st = dst.valid() ? absl::OkStatus() : fs::ErrnoError(errno, absl::StrCat("open ", temp->string()));
    v1::BlobChunk chunk;
    while (reader->Read(&chunk)) {
      if (st.ok()) st = fs::WriteAll(dst.get(), chunk.data(), temp->string());
    }
    grpc::Status s = reader->Finish();
    if (!s.ok() || !st.ok()) {
      drop_temp();
      NoteFailure(absl::StrCat("ReadBlob ", hash16, ": ", s.ok() ? std::string(st.message()) : s.error_message()));
      return false;
    }
    how = Materialized::kStreamed;
  }
  auto record = store.Adopt(*temp, key, absl::StrCat("shared:", socket_path_));
  if (!record.ok()) {
    spdlog::warn("shared cache: {} from {} rejected: {}", hash16, socket_path_, std::string(record.status().message()));
    return false;
  }
  if (store::Sha256Hex(record->sha256) != info.sha256()) {
    spdlog::warn("shared cache: {} changed while we read it (SHA-256 {} instead of {}); dropped",
                 hash16, store::Sha256Hex(record->sha256), info.sha256());
    if (absl::Status removed = store.Remove(key); !removed.ok()) {
      spdlog::warn("shared cache: cannot drop {}: {}", hash16, std::string(removed.message()));
    }
    return false;
  }
  spdlog::debug("shared cache: {} ({} bytes, {}) by {}", hash16, info.size(),
                info.trusted() ? "trusted" : "own quarantine", MaterializedName(*how));
  return true;
}

std::set<uint64_t> Upstream::FetchInto(store::BlobStore& store, const std::vector<uint64_t>& keys) {
  std::set<uint64_t> got;
  if (keys.empty()) return got;
  auto stub = Stub();
  if (!stub) return got;
  for (uint64_t key : keys) {
    if (FetchOne(*stub, store, key)) {
      got.insert(key);
    } else if (warned_.load()) {
      break;  // the daemon went away: do not pay a timeout per key
    }
  }
  fetched_ += got.size();
  return got;
}

OfferSummary Upstream::Offer(const std::vector<std::filesystem::path>& archives) {
  OfferSummary summary;
  summary.offered = archives.size();
  if (archives.empty()) return summary;
  auto stub = Stub();
  if (!stub) {
    summary.unavailable = true;
    return summary;
  }
  for (size_t i = 0; i < archives.size(); ++i) {
    const auto& file = archives[i];
    auto key = store::ParseBlobFileName(file.filename().string());
    if (!key) continue;  // not an archive name: nothing the shared cache could index
    const std::string hash16 = file.filename().string().substr(0, 16);
    fs::Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      ++summary.failed;
      continue;
    }
    auto digest = store::DigestFile(fd.get(), file.string());
    if (!digest.ok()) {
      ++summary.failed;
      continue;
    }
    const std::string sha = store::Sha256Hex(digest->sha256);
    v1::BlobRef ref;
    ref.set_hash16(hash16);
    v1::BlobInfo info;
    grpc::ClientContext stat_context;
    SetDeadline(&stat_context, kStatDeadline);
    grpc::Status s = stub->StatBlob(&stat_context, ref, &info);
    if (s.ok() && info.found() && info.sha256() == sha) {
      ++summary.already;
      continue;
    }
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      NoteFailure(s.error_message());
      summary.unavailable = true;
      summary.failed += archives.size() - i;
      break;
    }
    grpc::ClientContext context;
    SetDeadline(&context, kTransferDeadline);
    v1::WriteBlobReply reply;
    auto writer = stub->WriteBlob(&context, &reply);
    std::string buffer(kBlobChunkBytes, '\0');
    uint64_t offset = 0;
    bool first = true, ok = true;
    while (ok) {
      ssize_t n = ::pread(fd.get(), buffer.data(), buffer.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ok = false;
        break;
      }
      if (n == 0 && !first) break;
      v1::BlobChunk chunk;
      if (first) {
        chunk.set_hash16(hash16);
        chunk.set_size(digest->size);
        chunk.set_sha256(sha);
        first = false;
      }
      chunk.set_data(buffer.data(), static_cast<size_t>(n));
      offset += n;
      if (!writer->Write(chunk)) break;  // the server answered early; Finish() says why
      if (n == 0) break;
    }
    writer->WritesDone();
    s = writer->Finish();
    if (!ok) {
      ++summary.failed;
      continue;
    }
    if (s.ok()) {
      NoteSuccess();
      if (reply.quarantined()) writes_quarantined_ = true;
      if (!reply.stored()) {
        ++summary.already;
      } else if (reply.quarantined()) {
        ++summary.quarantined;
      } else {
        ++summary.stored;
      }
      continue;
    }
    ++summary.failed;
    switch (s.error_code()) {
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
      case grpc::StatusCode::PERMISSION_DENIED:
        summary.errors.push_back(absl::StrCat("shared cache: ", s.error_message()));
        summary.failed += archives.size() - i - 1;  // the same answer would follow for the rest
        return summary;
      case grpc::StatusCode::UNAVAILABLE:
        NoteFailure(s.error_message());
        summary.unavailable = true;
        summary.failed += archives.size() - i - 1;
        return summary;
      default:
        summary.errors.push_back(absl::StrCat("shared cache: ", hash16, ".ltar: ", s.error_message()));
        break;
    }
  }
  return summary;
}

void Upstream::OfferLater(std::vector<std::filesystem::path> archives) {
  if (archives.empty() || writes_quarantined_.load()) return;
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return;
    for (auto& a : archives) queue_.push_back(std::move(a));
    if (!worker_.joinable()) worker_ = std::thread([this] { OfferLoop(); });
  }
  queue_cv_.notify_one();
}

void Upstream::OfferLoop() {
  while (true) {
    std::vector<std::filesystem::path> batch;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      while (!queue_.empty() && batch.size() < 64) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (writes_quarantined_.load()) continue;
    OfferSummary summary = Offer(batch);
    for (const auto& e : summary.errors) spdlog::info("{}", e);
    spdlog::debug("shared cache: offered {} downloaded archive(s): {} stored, {} already there, {} failed",
                  batch.size(), summary.stored, summary.already, summary.failed);
  }
}

}  // namespace leancache::multiuser
