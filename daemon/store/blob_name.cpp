#include "daemon/store/blob_name.h"

#include "common/keys/archive_name.h"

namespace leancache::store {

std::string BlobFileName(uint64_t key) { return keys::ArchiveName(key); }

std::optional<uint64_t> ParseBlobFileName(std::string_view name) {
  std::optional<uint64_t> key = keys::KeyFromFileName(name);
  if (!key || keys::ArchiveName(*key) != name) return std::nullopt;
  return key;
}

bool IsPartialFileName(std::string_view name) {
  constexpr std::string_view kPart = ".part";
  return name.size() > kPart.size() && name.ends_with(kPart);
}

}  // namespace leancache::store
