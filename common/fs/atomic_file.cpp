#include "common/fs/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/fs/temp_sweep.h"

namespace leancache::fs {
namespace {

std::string RandomSuffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng([] {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    std::seed_seq seq{static_cast<uint64_t>(getpid()), static_cast<uint64_t>(ts.tv_nsec),
                      static_cast<uint64_t>(ts.tv_sec), counter.fetch_add(1)};
    return std::mt19937_64(seq);
  }());
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(6, 'x');
  for (char& c : s) c = kChars[rng() % (sizeof kChars - 1)];
  return s;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<AtomicFile> AtomicFile::Create(const std::string& target_path, Options options) {
  if (target_path.empty() || target_path.back() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("invalid output path '", target_path, "'"));
  }
  std::string dir = DirOf(target_path);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = TempName(dir, ::getpid(), RandomSuffix());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
    if (fd >= 0) return AtomicFile(Fd(fd), target_path, std::move(temp), options);
    if (errno != EEXIST) {
      return ErrnoError(errno, absl::StrCat("create temporary file for ", target_path));
    }
  }
  return absl::InternalError(absl::StrCat("could not create a temporary file for ", target_path));
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fd_(std::move(other.fd_)),
      target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      options_(other.options_) {
  other.temp_.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    Abandon();
    fd_ = std::move(other.fd_);
    target_ = std::move(other.target_);
    temp_ = std::move(other.temp_);
    options_ = other.options_;
    other.temp_.clear();
  }
  return *this;
}

AtomicFile::~AtomicFile() { Abandon(); }

void AtomicFile::Abandon() {
  fd_.Reset();
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

absl::Status AtomicFile::Write(std::string_view data) {
  if (!fd_.valid()) {
    return absl::FailedPreconditionError(absl::StrCat(target_, ": file already committed"));
  }
  return WriteAll(fd_.get(), data, target_);
}

absl::Status AtomicFile::Commit() {
  if (!fd_.valid() || temp_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(target_, ": file already committed"));
  }
  if (options_.fsync && ::fsync(fd_.get()) != 0) {
    absl::Status st = ErrnoError(errno, absl::StrCat("fsync ", target_));
    Abandon();
    return st;
  }
  if (::close(fd_.Release()) != 0) {
    absl::Status st = ErrnoError(errno, absl::StrCat("close ", target_));
    Abandon();
    return st;
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    absl::Status st = ErrnoError(errno, absl::StrCat("rename to ", target_));
    Abandon();
    return st;
  }
  temp_.clear();
  return absl::OkStatus();
}

}  // namespace leancache::fs
