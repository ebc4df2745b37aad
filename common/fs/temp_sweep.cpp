#include "common/fs/temp_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "common/proc/process_state.h"

namespace leancache::fs {
namespace {

constexpr std::string_view kPrefix = ".lctmp.";
constexpr size_t kSuffixLength = 6;

bool CreatorGone(pid_t pid) { return pid != ::getpid() && proc::ProcessEnded(pid); }

}  // namespace

std::string TempName(std::string_view dir, pid_t pid, std::string_view suffix) {
  return absl::StrCat(std::string(dir), "/", std::string(kPrefix), pid, ".", std::string(suffix));
}

pid_t TempNameOwner(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return -1;
  name.remove_prefix(kPrefix.size());
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || name.size() - dot - 1 != kSuffixLength) return -1;
  const std::string digits(name.substr(0, dot));
  int pid = 0;
  if (!absl::SimpleAtoi(digits, &pid) || pid <= 0) return -1;
  if (digits != absl::StrCat(pid)) return -1;  // no sign, no spaces, no leading zeros
  return static_cast<pid_t>(pid);
}

absl::StatusOr<size_t> RemoveAbandonedTemps(const std::string& dir, SweepOptions options) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoError(errno, absl::StrCat("open directory ", dir));
  std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(dfd), &::closedir);
  if (!d) {
    int err = errno;
    ::close(dfd);
    return ErrnoError(err, absl::StrCat("read directory ", dir));
  }
  const time_t now = ::time(nullptr);
  size_t removed = 0;
  while (struct dirent* e = ::readdir(d.get())) {
    pid_t owner = TempNameOwner(e->d_name);
    if (owner < 0) continue;
    struct stat st;
    if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    const bool stale = now - st.st_mtime > options.max_age.count();
    if (!stale && !CreatorGone(owner)) continue;
    if (::unlinkat(dfd, e->d_name, 0) == 0) ++removed;
  }
  return removed;
}

absl::StatusOr<size_t> RemoveAbandonedTempsBelow(const std::string& root, SweepOptions options) {
  namespace stdfs = std::filesystem;
  std::error_code ec;
  if (!stdfs::is_directory(stdfs::symlink_status(root, ec))) return 0;
  std::set<std::string> dirs;
  for (auto it = stdfs::recursive_directory_iterator(root, ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec)) {
    if (TempNameOwner(it->path().filename().string()) >= 0) dirs.insert(it->path().parent_path().string());
  }
  if (ec) return ErrnoError(ec.value(), absl::StrCat("walk ", root));
  size_t removed = 0;
  for (const auto& dir : dirs) {
    auto n = RemoveAbandonedTemps(dir, options);
    if (!n.ok()) return n.status();
    removed += *n;
  }
  return removed;
}

}  // namespace leancache::fs
