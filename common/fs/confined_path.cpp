#include "common/fs/confined_path.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::fs {
namespace {

absl::StatusOr<std::string> RealPath(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) return ErrnoError(errno, absl::StrCat("resolve ", path));
  std::string out(r);
  ::free(r);
  return out;
}

bool IsInside(const std::string& root, const std::string& path) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

std::string Join(const std::string& dir, const std::string& comp) {
  if (!dir.empty() && dir.back() == '/') return dir + comp;
  return absl::StrCat(dir, "/", comp);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitSafeRelativePath(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("unsafe entry name: empty path");
  if (name.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("unsafe entry name: contains a NUL byte");
  }
  if (name.front() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("unsafe entry name '", std::string(name),
                                                   "': absolute path"));
  }
  std::vector<std::string> comps;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view comp = name.substr(start, end - start);
    if (comp == "..") {
      return absl::InvalidArgumentError(absl::StrCat("unsafe entry name '", std::string(name),
                                                     "': contains '..'"));
    }
    if (!comp.empty() && comp != ".") comps.emplace_back(comp);
    start = end + 1;
  }
  if (comps.empty() || name.back() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("unsafe entry name '", std::string(name),
                                                   "': does not name a file"));
  }
  return comps;
}

void RemoveEmptyDirs(const std::vector<std::string>& dirs) {
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
}

absl::Status MakeDirs(const std::string& dir, std::vector<std::string>* created) {
  if (dir.empty()) return absl::OkStatus();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(dir, ": exists and is not a directory"));
  }
  size_t slash = dir.find_last_not_of('/');
  slash = slash == std::string::npos ? std::string::npos : dir.rfind('/', slash);
  if (slash != std::string::npos && slash > 0) {
    absl::Status st2 = MakeDirs(dir.substr(0, slash), created);
    if (!st2.ok()) return st2;
  }
  if (::mkdir(dir.c_str(), 0777) != 0) {
    if (errno != EEXIST) return ErrnoError(errno, absl::StrCat("create directory ", dir));
  } else if (created != nullptr) {
    created->push_back(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveConfinedPath(const std::string& base, std::string_view name,
                                                bool create_dirs,
                                                std::vector<std::string>* created) {
  absl::StatusOr<std::vector<std::string>> comps = SplitSafeRelativePath(name);
  if (!comps.ok()) return comps.status();
  std::string base_dir = base.empty() ? std::string(".") : base;
  if (create_dirs) {
    absl::Status st = MakeDirs(base_dir, created);
    if (!st.ok()) return st;
  }
  struct stat st;
  if (::stat(base_dir.c_str(), &st) != 0) {
    if (errno == ENOENT && !create_dirs) {
      // Nothing exists yet below the base, so nothing can escape.
      std::string out = base_dir;
      for (const std::string& c : *comps) out = Join(out, c);
      return out;
    }
    return ErrnoError(errno, absl::StrCat("base directory ", base_dir));
  }
  absl::StatusOr<std::string> root = RealPath(base_dir);
  if (!root.ok()) return root.status();
  std::string cur = *root;
  bool missing = false;
  for (size_t i = 0; i + 1 < comps->size(); ++i) {
    std::string next = Join(cur, (*comps)[i]);
    if (missing) {
      cur = next;
      continue;
    }
    struct stat ls;
    if (::lstat(next.c_str(), &ls) != 0) {
      if (errno != ENOENT) return ErrnoError(errno, next);
      if (create_dirs) {
        if (::mkdir(next.c_str(), 0777) != 0) {
          if (errno != EEXIST) return ErrnoError(errno, absl::StrCat("create directory ", next));
        } else if (created != nullptr) {
          created->push_back(next);
        }
        // Re-check: something may have raced us into place.
        if (::lstat(next.c_str(), &ls) != 0) return ErrnoError(errno, next);
      } else {
        missing = true;
        cur = next;
        continue;
      }
    }
    if (S_ISLNK(ls.st_mode)) {
      absl::StatusOr<std::string> target = RealPath(next);
      if (!target.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("unsafe entry name '", std::string(name),
                                                       "': dangling symlink ", next));
      }
      if (!IsInside(*root, *target)) {
        return absl::InvalidArgumentError(
            absl::StrCat("unsafe entry name '", std::string(name), "': symlink ", next,
                         " leads outside ", *root));
      }
      struct stat ts;
      if (::stat(target->c_str(), &ts) != 0 || !S_ISDIR(ts.st_mode)) {
        return absl::FailedPreconditionError(absl::StrCat(next, ": not a directory"));
      }
      cur = *target;
    } else if (S_ISDIR(ls.st_mode)) {
      cur = next;
    } else {
      return absl::FailedPreconditionError(absl::StrCat(next, ": exists and is not a directory"));
    }
  }
  std::string out = Join(cur, comps->back());
  struct stat fs;
  if (!missing && ::lstat(out.c_str(), &fs) == 0 && S_ISDIR(fs.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(out, ": is a directory"));
  }
  return out;
}

}  // namespace leancache::fs
