#include "daemon/editor/project_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace leancache::editor {
namespace {

constexpr uint32_t kMask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                           IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;

// Waits for the inotify fd to become readable; false on timeout.
absl::StatusOr<bool> Readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n < 0) {
    if (errno == EINTR) return false;
    return absl::InternalError(absl::StrCat("poll on inotify failed: ", std::strerror(errno)));
  }
  return n > 0;
}

}  // namespace

bool SkippedDirectory(const std::filesystem::path& dir) {
  auto name = dir.filename().string();
  if (name == ".git") return true;
  return name == "packages" && dir.parent_path().filename() == ".lake";
}

absl::StatusOr<ProjectWatcher> ProjectWatcher::Start(const std::vector<std::filesystem::path>& recursive_roots,
                                                     const std::vector<std::filesystem::path>& flat_dirs) {
  ProjectWatcher w;
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return absl::ResourceExhaustedError(absl::StrCat("inotify_init1 failed: ", std::strerror(errno),
                                                     " (see /proc/sys/fs/inotify/max_user_instances)"));
  }
  w.fd_ = fs::Fd(fd);
  for (const auto& root : recursive_roots) {
    if (auto st = w.AddTree(root, true); !st.ok()) return st;
  }
  for (const auto& dir : flat_dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    if (auto st = w.AddOne(dir, false); !st.ok()) return st;
  }
  return w;
}

absl::Status ProjectWatcher::AddOne(const std::filesystem::path& dir, bool recursive) {
  int wd = inotify_add_watch(fd_.get(), dir.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return absl::OkStatus();  // gone meanwhile
    if (errno == ENOSPC) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "cannot watch ", dir.string(), ": inotify watch limit reached (raise /proc/sys/fs/inotify/max_user_watches)"));
    }
    return absl::InternalError(absl::StrCat("cannot watch ", dir.string(), ": ", std::strerror(errno)));
  }
  dirs_[wd] = Dir{dir, recursive};
  return absl::OkStatus();
}

absl::Status ProjectWatcher::AddTree(const std::filesystem::path& dir, bool recursive) {
  if (auto st = AddOne(dir, recursive); !st.ok()) return st;
  if (!recursive) return absl::OkStatus();
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) continue;
    if (SkippedDirectory(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (auto st = AddOne(it->path(), true); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ProjectWatcher::ReadEvents(Batch& batch) {
  alignas(inotify_event) char buf[16384];
  bool any = false;
  while (true) {
    ssize_t n = ::read(fd_.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return any;
      return absl::InternalError(absl::StrCat("reading inotify events failed: ", std::strerror(errno)));
    }
    if (n == 0) return any;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      any = true;
      if (ev->mask & IN_Q_OVERFLOW) {
        batch.overflow = true;
        continue;
      }
      auto it = dirs_.find(ev->wd);
      if (it == dirs_.end()) continue;
      if (ev->mask & IN_IGNORED) {
        dirs_.erase(it);
        continue;
      }
      std::filesystem::path path = it->second.path;
      if (ev->len > 0) path /= ev->name;
      batch.paths.insert(path);
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && it->second.recursive &&
          !SkippedDirectory(path)) {
        if (auto st = AddTree(path, true); !st.ok()) return st;
        // Files created in the new directory before its watch existed raised no event: report
        // every file found there now (a later event for the same file is harmless).
        std::error_code ec;
        std::filesystem::recursive_directory_iterator files(path, ec);
        for (; !ec && files != std::filesystem::recursive_directory_iterator(); files.increment(ec)) {
          std::error_code type_ec;
          if (files->is_regular_file(type_ec)) batch.paths.insert(files->path());
        }
      }
    }
  }
}

absl::StatusOr<ProjectWatcher::Batch> ProjectWatcher::Wait(std::chrono::milliseconds poll,
                                                           std::chrono::milliseconds quiet,
                                                           std::chrono::milliseconds max_delay) {
  Batch batch;
  auto ready = Readable(fd_.get(), poll);
  if (!ready.ok()) return ready.status();
  if (!*ready) return batch;
  auto got = ReadEvents(batch);
  if (!got.ok()) return got.status();
  const auto first = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - first < max_delay) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(max_delay - (std::chrono::steady_clock::now() - first));
    auto more = Readable(fd_.get(), std::min(quiet, std::max(left, std::chrono::milliseconds(0))));
    if (!more.ok()) return more.status();
    if (!*more) break;
    auto again = ReadEvents(batch);
    if (!again.ok()) return again.status();
  }
  return batch;
}

}  // namespace leancache::editor
