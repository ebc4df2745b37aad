#include "daemon/lake/service_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/fd.h"

namespace leancache::lake {

absl::StatusOr<sigv4::Credential> ParseLakeCacheKey(std::string_view raw) {
  const absl::string_view text = absl::StripTrailingAsciiWhitespace(absl::string_view(raw.data(), raw.size()));
  size_t colon = text.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return absl::InvalidArgumentError(
        "LAKE_CACHE_KEY must have the form <access key id>:<secret access key>");
  }
  return sigv4::Credential{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

std::filesystem::path WriteKeyPath(const std::filesystem::path& state_dir) { return state_dir / "lake-service.key"; }

absl::Status RegisterWriteKey(const std::filesystem::path& state_dir, std::string_view key) {
  auto parsed = ParseLakeCacheKey(key);
  if (!parsed.ok()) return parsed.status();
  fs::AtomicFile::Options options;
  options.mode = 0600;
  auto file = fs::AtomicFile::Create(WriteKeyPath(state_dir).string(), options);
  if (!file.ok()) return file.status();
  if (auto st = file->Write(absl::StrCat(parsed->access_key, ":", parsed->secret_key, "\n")); !st.ok()) return st;
  return file->Commit();
}

absl::StatusOr<sigv4::Credential> LoadWriteKey(const std::filesystem::path& state_dir) {
  const std::string path = WriteKeyPath(state_dir).string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError("no write key is registered for the Lake service (run `leancache lake setup` "
                                 "with LAKE_CACHE_KEY set)");
    }
    return fs::ErrnoError(errno, path);
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " must be owned by the daemon's user with mode 0600; the key is ignored"));
  }
  auto text = fs::ReadFile(path, 64 << 10);
  if (!text.ok()) return text.status();
  auto key = ParseLakeCacheKey(*text);
  if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", key.status().message()));
  return key;
}

}  // namespace leancache::lake
