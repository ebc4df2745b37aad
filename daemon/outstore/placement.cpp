#include "daemon/outstore/placement.h"

#include <fcntl.h>
#include <cerrno>
#include <map>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/confined_path.h"
#include "common/fs/fd.h"

namespace leancache::outstore {

absl::StatusOr<PlaceResult> Place(const Entry& entry, const std::filesystem::path& base,
                                  const PlaceOptions& options) {
  PlaceResult result;
  std::vector<fs::AtomicFile> pending;
  std::vector<std::string> created_dirs;
  auto fail = [&](absl::Status st) -> absl::Status {
    pending.clear();  // unlinks the temporary files
    fs::RemoveEmptyDirs(created_dirs);
    return st;
  };
  fs::AtomicFile::Options fopts;
  fopts.fsync = false;  // as the unpacker in `get` (ltar::UnpackOptions::fsync)
  // An entry's files share a few directories: each is resolved (confined, created) once. The
  // file name itself was checked by ReadEntry (no '/', no "..").
  std::map<std::string, std::string, std::less<>> resolved_dirs;  // relative dir -> resolved dir
  for (const auto& rel : entry.files) {
    const auto source = entry.dir / "files" / rel;
    fs::Fd src(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src.valid()) return fail(fs::ErrnoError(errno, absl::StrCat("open ", source.string())));
    const size_t slash = rel.rfind('/');
    const std::string rel_dir = slash == std::string::npos ? "" : rel.substr(0, slash);
    absl::StatusOr<std::string> target;
    if (auto it = resolved_dirs.find(rel_dir); it != resolved_dirs.end()) {
      target = absl::StrCat(it->second, "/", rel.substr(slash + 1));
    } else {
      target = fs::ResolveConfinedPath(base.string(), rel, true, &created_dirs);
      if (!target.ok()) return fail(target.status());
      if (!rel_dir.empty()) resolved_dirs.emplace(rel_dir, target->substr(0, target->rfind('/')));
    }
    auto file = fs::AtomicFile::Create(*target, fopts);
    if (!file.ok()) return fail(file.status());
    auto method = fs::CloneFileContents(src.get(), file->fd(), *target, options.clone);
    if (!method.ok()) return fail(method.status());
    ++result.by_method[static_cast<size_t>(*method)];
    pending.push_back(*std::move(file));
  }
  // The list holds the trace last, so renaming in list order renames it last.
  for (size_t k = 0; k < pending.size(); ++k) {
    if (auto st = pending[k].Commit(); !st.ok()) {
      for (size_t j = 0; j < k; ++j) ::unlink(pending[j].target_path().c_str());
      return fail(st);
    }
  }
  for (const auto& f : pending) result.written.push_back(f.target_path());
  return result;
}

}  // namespace leancache::outstore
