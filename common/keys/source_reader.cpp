#include "common/keys/source_reader.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/hash/content_hash.h"
#include "common/header/import_parser.h"
#include "common/workspace/read_file.h"

namespace leancache::keys {

absl::StatusOr<uint64_t> HashFileBytes(std::string_view bytes, const std::filesystem::path& file) {
  auto h = hash::ContentHash(bytes);
  if (!h.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": file is not valid UTF-8"));
  }
  return *h;
}

absl::StatusOr<SourceInfo> AnalyzeSource(std::string_view bytes, const std::filesystem::path& file,
                                         std::string_view module) {
  SourceInfo info;
  auto h = HashFileBytes(bytes, file);
  if (!h.ok()) return h.status();
  info.content_hash = *h;
  auto header = header::ParseHeader(bytes);
  if (!header.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(module), ":", header.status().message()));
  }
  info.imports.reserve(header->imports.size());
  for (header::Import& imp : header->imports) info.imports.push_back(std::move(imp.module));
  return info;
}

absl::StatusOr<uint64_t> SourceReader::ContentHashOf(const std::filesystem::path& file) {
  auto bytes = workspace::ReadFileBytes(file);
  if (!bytes.ok()) return bytes.status();
  return HashFileBytes(*bytes, file);
}

absl::StatusOr<SourceInfo> FileSourceReader::Read(const std::filesystem::path& file,
                                                  std::string_view module) {
  auto bytes = workspace::ReadFileBytes(file);
  if (!bytes.ok()) return bytes.status();
  return AnalyzeSource(*bytes, file, module);
}

}  // namespace leancache::keys
