#include "daemon/get/dep_hash_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "absl/strings/numbers.h"
#include "common/ltar/header.h"
#include "nlohmann/json.hpp"

namespace leancache::get {
namespace {

constexpr size_t kMaxEntries = 1 << 20;
constexpr size_t kMaxTraceBytes = 16 << 20;

std::optional<uint64_t> ReadArchiveDepHash(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto header = ltar::ReadHeader(fd, path.string());
  ::close(fd);
  if (!header.ok()) return std::nullopt;
  return header->dep_hash;
}

std::optional<uint64_t> ReadTraceDepHash(const std::filesystem::path& path) {
  // Read exactly the file (traces are a few hundred bytes): never allocate the cap up front.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 0 || static_cast<size_t>(st.st_size) > kMaxTraceBytes) {
    ::close(fd);
    return std::nullopt;
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  auto it = json.find("depHash");
  if (it == json.end() || !it->is_string()) return std::nullopt;
  const auto& hex = it->get_ref<const std::string&>();
  uint64_t value = 0;
  if (hex.size() != 16 || !absl::SimpleHexAtoi(hex, &value)) return std::nullopt;
  return value;
}

}  // namespace

template <typename ReadFn>
std::optional<uint64_t> DepHashCache::Get(const std::filesystem::path& path, ReadFn read) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  Stamp stamp{st.st_ino, st.st_size,
              int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec,
              int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec};
  std::string key = path.string();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.stamp == stamp) return it->second.value;
  }
  auto value = read(path);
  // A file modified in the last second may change again within the same timestamp tick;
  // remember it only once it is older.
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  if (now - std::max(stamp.mtime_ns, stamp.ctime_ns) < 1000000000) return value;
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = {stamp, value};
  return value;
}

std::optional<uint64_t> DepHashCache::ArchiveDepHash(const std::filesystem::path& path) {
  return Get(path, ReadArchiveDepHash);
}

std::optional<uint64_t> DepHashCache::TraceDepHash(const std::filesystem::path& path) {
  return Get(path, ReadTraceDepHash);
}

}  // namespace leancache::get
