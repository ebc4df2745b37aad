#include "daemon/watch/dir_watch_hub.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace leancache::watch {
namespace {

constexpr uint32_t kMask = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                           IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// File systems on which another machine (or a user-space server) can change files without the
// local kernel generating inotify events.
bool RemoteFileSystem(const std::filesystem::path& dir) {
  struct statfs fs {};
  if (::statfs(dir.c_str(), &fs) != 0) return true;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969UL:      // NFS
    case 0x517BUL:      // SMB
    case 0xFF534D42UL:  // CIFS
    case 0xFE534D42UL:  // SMB2
    case 0x65735546UL:  // FUSE
    case 0x01021997UL:  // 9P
    case 0x00C36400UL:  // Ceph
    case 0x5346414FUL:  // AFS
    case 0x73757245UL:  // Coda
    case 0x47504653UL:  // GPFS
      return true;
    default:
      return false;
  }
}

}  // namespace

WatchSet::~WatchSet() { hub_->Release(this); }

uint64_t WatchSet::Generation() {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  hub_->DrainLocked();
  return generation_;
}

bool WatchSet::trusted() {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  hub_->DrainLocked();
  return trusted_;
}

std::optional<uint64_t> WatchSet::TrustedGeneration() {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  hub_->DrainLocked();
  if (!trusted_) return std::nullopt;
  return generation_;
}

absl::StatusOr<std::unique_ptr<DirWatchHub>> DirWatchHub::Create() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("inotify_init1: ", std::strerror(errno)));
  return std::unique_ptr<DirWatchHub>(new DirWatchHub(fd));
}

DirWatchHub::~DirWatchHub() { ::close(fd_); }

std::shared_ptr<WatchSet> DirWatchHub::Watch(const std::set<std::filesystem::path>& dirs) {
  std::shared_ptr<WatchSet> set(new WatchSet(this));
  std::lock_guard<std::mutex> lock(mu_);
  DrainLocked();  // events from before this set existed are not its business
  all_sets_.insert(set.get());
  for (const auto& dir : dirs) {
    if (RemoteFileSystem(dir)) {
      set->trusted_ = false;
      continue;
    }
    int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
    if (wd < 0) {  // ENOENT, ENOTDIR, EACCES, ENOSPC (max_user_watches)
      set->trusted_ = false;
      continue;
    }
    if (sets_by_wd_[wd].insert(set.get()).second) set->wds_.push_back(wd);
  }
  return set;
}

void DirWatchHub::DrainLocked() {
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: the queue is empty
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<struct inotify_event*>(p);
      p += sizeof(struct inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {  // events were lost: every set may have changed
        for (auto* s : all_sets_) s->generation_++;
        continue;
      }
      auto it = sets_by_wd_.find(ev->wd);
      if (it == sets_by_wd_.end()) continue;
      const bool gone = (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) != 0;
      for (auto* s : it->second) {
        s->generation_++;
        if (gone) s->trusted_ = false;
      }
      if (ev->mask & IN_IGNORED) sets_by_wd_.erase(it);  // the kernel dropped the watch
    }
  }
}

void DirWatchHub::Release(WatchSet* set) {
  std::lock_guard<std::mutex> lock(mu_);
  all_sets_.erase(set);
  for (int wd : set->wds_) {
    auto it = sets_by_wd_.find(wd);
    if (it == sets_by_wd_.end()) continue;
    it->second.erase(set);
    if (it->second.empty()) {
      ::inotify_rm_watch(fd_, wd);
      sets_by_wd_.erase(it);
    }
  }
}

std::set<std::filesystem::path> DirWatchHub::DirsCovering(const std::vector<std::string>& files) {
  std::set<std::filesystem::path> dirs;
  std::string last_parent;
  for (const auto& file : files) {
    std::filesystem::path path(file);
    std::filesystem::path parent = path.parent_path();
    if (parent.empty()) parent = ".";
    if (parent.native() != last_parent) {  // inputs come grouped by directory
      last_parent = parent.native();
      std::filesystem::path dir = parent;
      struct stat st {};
      while (::stat(dir.c_str(), &st) != 0 && dir.has_parent_path() && dir != dir.parent_path()) {
        dir = dir.parent_path();
      }
      dirs.insert(dir);
    }
    struct stat lst {};
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      std::error_code ec;
      auto target = std::filesystem::canonical(path, ec);
      if (!ec) dirs.insert(target.parent_path());
    }
  }
  return dirs;
}

size_t DirWatchHub::watched_dirs() {
  std::lock_guard<std::mutex> lock(mu_);
  return sets_by_wd_.size();
}

}  // namespace leancache::watch
