#include "daemon/index/env_check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "daemon/index/byte_codec.h"
#include "daemon/index/records.h"
#include "daemon/index/schema.h"

namespace leancache::index {
namespace {

template <typename T>
absl::Status DecodeCheck(const absl::StatusOr<T>& decoded, std::string_view table) {
  if (decoded.ok()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("table ", std::string(table), ": ", decoded.status().message()));
}

// Child exit codes.
constexpr int kChildHealthy = 0;
constexpr int kChildDamaged = 1;
constexpr int kChildCannotTell = 2;

[[noreturn]] void ChildMain(const std::filesystem::path& dir, int report_fd) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // an expected crash must not leave a core dump
  // ... nor a crash report: a sanitizer build's SEGV/BUS handlers would print one into the
  // daemon's log (its stderr). The parent reads the signal.
  ::signal(SIGSEGV, SIG_DFL);
  ::signal(SIGBUS, SIG_DFL);
  auto finish = [&](int code, absl::string_view message) {
    if (!message.empty()) {
      // The probe child's only channel: if the report cannot be written, the exit code alone
      // tells the parent what happened.
      (void)fs::WriteAll(report_fd, std::string_view(message.data(), std::min<size_t>(message.size(), 4000)),
                         "probe report");
    }
    _exit(code);
  };
  LmdbEnv::Options options;
  options.read_only = true;
  bool fresh = false;
  absl::StatusOr<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(dir, options, &fresh);
  if (!env.ok()) {
    finish(absl::IsDataLoss(env.status()) ? kChildDamaged : kChildCannotTell, env.status().message());
  }
  if (fresh) finish(kChildCannotTell, "");

  absl::Status s = ValidateIndexContents(**env);
  env->reset();
  if (!s.ok()) finish(absl::IsDataLoss(s) ? kChildDamaged : kChildCannotTell, s.message());
  finish(kChildHealthy, "");
  _exit(kChildHealthy);  // not reached; tells the compiler this function does not return
}

}  // namespace

absl::Status ValidateIndexContents(LmdbEnv& env) {
  return env.Read([](LmdbEnv::Txn& txn) -> absl::Status {
    if (absl::Status s = txn.CheckInternalTrees(); !s.ok()) return s;
    absl::StatusOr<std::optional<std::string_view>> schema = txn.Get(Table::kMeta, kSchemaKey);
    if (!schema.ok()) return schema.status();
    if (!*schema) return absl::DataLossError("the index has no schema version");
    ByteReader reader(**schema, "schema version");
    absl::StatusOr<uint32_t> version = reader.Fixed32();
    if (!version.ok() || !reader.ExpectEnd().ok()) return absl::DataLossError("the schema version is malformed");
    if (*version != kSchemaVersion) {
      return absl::DataLossError(
          absl::StrCat("the index has schema version ", *version, ", this daemon uses ", kSchemaVersion));
    }
    for (int i = 0; i < kTableCount; ++i) {
      const Table table = static_cast<Table>(i);
      size_t walked = 0;
      absl::Status s = txn.ForEach(table, "", [&](std::string_view k, std::string_view v) -> absl::Status {
        ++walked;
        switch (table) {
          case Table::kMeta:
            if (k.substr(0, kCacheDirPrefix.size()) == kCacheDirPrefix) {
              return DecodeCheck(DecodeCacheDirRecord(v), "meta");
            }
            if (k.substr(0, kStatsPrefix.size()) == kStatsPrefix) return DecodeCheck(DecodeStatsRecord(v), "meta");
            return absl::OkStatus();
          case Table::kFiles:
            return DecodeCheck(DecodeFileRecord(v), "files");
          case Table::kBlobs:
            if (k.size() != 12) return absl::DataLossError(absl::StrCat("table blobs: key of ", k.size(), " bytes"));
            return DecodeCheck(DecodeBlobRecord(v), "blobs");
          case Table::kProjects:
            return DecodeCheck(DecodeProjectRecord(v), "projects");
        }
        return absl::OkStatus();
      });
      if (!s.ok()) return s;
      // A scrambled leaf can look empty; the tree's own entry count then disagrees.
      absl::StatusOr<size_t> counted = txn.Count(table);
      if (!counted.ok()) return counted.status();
      if (*counted != walked) {
        return absl::DataLossError(absl::StrCat("table ", TableName(table), " claims ", *counted,
                                                " entries but ", walked, " can be read"));
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> ProbeIndexInChild(const std::filesystem::path& dir) {
  struct stat st;
  std::string data_file = (dir / "data.mdb").string();
  if (::stat(data_file.c_str(), &st) != 0 || st.st_size == 0) return false;  // nothing to check

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  fs::Fd read_end(fds[0]), write_end(fds[1]);
  pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    read_end.Release();  // never close anything in the child; _exit cleans up
    ChildMain(dir, write_end.Release());
  }
  write_end.Reset();
  int status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(child, &status, 0);
  } while (waited < 0 && errno == EINTR);
  absl::StatusOr<std::string> report = fs::ReadAll(read_end.get(), "probe report");
  std::string message = report.ok() ? *report : std::string();
  if (waited != child) return false;
  if (WIFSIGNALED(status)) {
    return absl::DataLossError(absl::StrCat("reading the index crashed with signal ", WTERMSIG(status), " (",
                                            strsignal(WTERMSIG(status)), "): its pages are damaged"));
  }
  if (!WIFEXITED(status)) return false;
  switch (WEXITSTATUS(status)) {
    case kChildHealthy:
      return true;
    case kChildDamaged:
      return absl::DataLossError(message.empty() ? "the index is damaged" : message);
    default:
      return false;
  }
}

}  // namespace leancache::index
