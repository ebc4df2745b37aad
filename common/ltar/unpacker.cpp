#include "common/ltar/unpacker.h"

#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/confined_path.h"
#include "common/fs/fd.h"
#include "common/ltar/entry_decoder.h"
#include "common/ltar/trace.h"

namespace leancache::ltar {
namespace {

absl::Status CheckBase(const Archive& a, const std::vector<std::string>& bases, uint8_t base) {
  if (base >= bases.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        a.name(), ": not enough base paths (expected > ", static_cast<int>(base), ")"));
  }
  return absl::OkStatus();
}

absl::Status WithArchive(const Archive& a, const absl::Status& st) {
  if (st.ok()) return st;
  return absl::Status(st.code(), absl::StrCat(a.name(), ": ", st.message()));
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

bool IsCorrupted(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDataLoss;
}

absl::StatusOr<UnpackResult> UnpackArchive(const Archive& archive,
                                           const std::vector<std::string>& bases,
                                           const UnpackOptions& options) {
  UnpackResult result;
  if (bases.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(archive.name(), ": not enough base paths (expected > 0)"));
  }
  // 1. Validate every output path before touching the disk.
  OutputDirs local_dirs;
  OutputDirs& dirs = options.dirs != nullptr ? *options.dirs : local_dirs;
  EntryPath trace_path{0, archive.trace_path()};
  std::vector<const Entry*> files;
  for (const Entry& e : archive.entries()) {
    if (e.kind == Entry::Kind::kFile) files.push_back(&e);
  }
  auto check_path = [&](const EntryPath& p) -> absl::Status {
    absl::Status st = CheckBase(archive, bases, p.base);
    if (!st.ok()) return st;
    absl::StatusOr<std::string> r = dirs.Resolve(bases[p.base], p.name, false);
    return WithArchive(archive, r.status());
  };
  if (absl::Status st = check_path(trace_path); !st.ok()) return st;
  for (const Entry* e : files) {
    for (const EntryPath& p : OutputPaths(*e)) {
      if (absl::Status st = check_path(p); !st.ok()) return st;
    }
  }

  // 2. "Already unpacked" check (spec §5.1). An unreadable or unparsable existing trace just
  // means "not unpacked" (leantar would delete the archive for an empty trace; we do not).
  bool trace_matches = false;
  if (!options.force) {
    absl::StatusOr<std::string> existing_path = dirs.Resolve(bases[0], archive.trace_path(), false);
    if (existing_path.ok()) {
      absl::StatusOr<std::string> text = fs::ReadFile(*existing_path, 1 << 24);
      if (text.ok()) {
        absl::StatusOr<uint64_t> h = TraceDepHash(*text);
        trace_matches = h.ok() && *h == archive.dep_hash();
      }
    }
    if (trace_matches && bases.size() == 1) {
      result.skipped = true;
      return result;
    }
  }

  // 3. Decode everything into temp files in the target directories. On any failure the temp
  // files are removed (AtomicFile destructors) and so are the directories created here.
  DecodeBudget budget{options.limits, 0};
  fs::AtomicFile::Options fopts;
  fopts.mode = options.file_mode;
  fopts.fsync = options.fsync;
  std::vector<fs::AtomicFile> pending;
  std::vector<std::string> created_dirs;
  auto fail = [&](absl::Status st) -> absl::Status {
    pending.clear();
    fs::RemoveEmptyDirs(created_dirs);
    return st;
  };
  auto stage = [&](const EntryPath& p, std::string_view content) -> absl::Status {
    absl::StatusOr<fs::AtomicFile> f = absl::NotFoundError("");
    // Retry once if a directory vanished in between (a concurrent failed unpack removing the
    // empty directories it created).
    for (int attempt = 0; attempt < 2 && !f.ok() && f.status().code() == absl::StatusCode::kNotFound;
         ++attempt) {
      if (attempt > 0) dirs.Forget(bases[p.base], p.name);
      absl::StatusOr<std::string> target = dirs.Resolve(bases[p.base], p.name, true, &created_dirs);
      if (!target.ok()) return WithArchive(archive, target.status());
      f = fs::AtomicFile::Create(*target, fopts);
    }
    if (!f.ok()) return WithArchive(archive, f.status());
    if (absl::Status st = f->Write(content); !st.ok()) return WithArchive(archive, st);
    result.bytes_written += content.size();
    pending.push_back(*std::move(f));
    return absl::OkStatus();
  };

  if (!trace_matches) {
    absl::StatusOr<std::string> trace = DecodeTrace(archive, budget);
    if (!trace.ok()) return fail(trace.status());
    if (absl::Status st = stage(trace_path, *trace); !st.ok()) return fail(st);
  }
  for (const Entry* e : files) {
    std::vector<EntryPath> outs = OutputPaths(*e);
    if (trace_matches) {
      // Multi-base with a matching trace: only entries with a missing output are unpacked.
      bool all_exist = true;
      for (const EntryPath& p : outs) {
        absl::StatusOr<std::string> path = dirs.Resolve(bases[p.base], p.name, false);
        if (!path.ok() || !Exists(*path)) all_exist = false;
      }
      if (all_exist) {
        ++result.skipped_entries;
        continue;
      }
    }
    absl::StatusOr<std::vector<std::string>> contents = DecodeEntry(archive, *e, budget);
    if (!contents.ok()) return fail(contents.status());
    for (size_t i = 0; i < outs.size(); ++i) {
      if (absl::Status st = stage(outs[i], (*contents)[i]); !st.ok()) return fail(st);
    }
  }

  // 4. Rename everything into place, in archive order except that a new trace goes LAST: the
  // trace is what says "unpacked", so a crash between the renames must leave the old trace (the
  // module is unpacked again next time), never the new trace over old outputs. If a rename
  // fails, remove the files already renamed; the remaining temp files are removed by their
  // destructors.
  std::vector<size_t> order;
  for (size_t i = trace_matches ? 0 : 1; i < pending.size(); ++i) order.push_back(i);
  if (!trace_matches && !pending.empty()) order.push_back(0);
  for (size_t k = 0; k < order.size(); ++k) {
    absl::Status st = pending[order[k]].Commit();
    if (!st.ok()) {
      for (size_t j = 0; j < k; ++j) ::unlink(pending[order[j]].target_path().c_str());
      return fail(WithArchive(archive, st));
    }
  }
  for (const fs::AtomicFile& f : pending) result.written.push_back(f.target_path());
  return result;
}

absl::StatusOr<UnpackResult> UnpackArchiveFile(const std::string& path,
                                               const std::vector<std::string>& bases,
                                               const UnpackOptions& options) {
  absl::StatusOr<Archive> archive = Archive::ReadFile(path);
  if (!archive.ok()) return archive.status();
  return UnpackArchive(*archive, bases, options);
}

}  // namespace leancache::ltar
