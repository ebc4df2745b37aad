#include "common/lgz/lgz_codec.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/lgz/lgz_reader.h"
#include "common/lgz/lgz_writer.h"

namespace leancache::lgz {

absl::StatusOr<std::string> EncodeOleans(absl::Span<const std::string_view> files) { return WriteLgz(files); }

absl::StatusOr<std::vector<std::string>> DecodeOleans(std::string_view lgz, size_t expected_files,
                                                      uint64_t max_output_bytes) {
  return ReadLgz(lgz, expected_files, max_output_bytes);
}

absl::StatusOr<std::string> EncodeOleansVerified(absl::Span<const std::string_view> files) {
  absl::StatusOr<std::string> lgz = WriteLgz(files);
  if (!lgz.ok()) return lgz.status();
  // A faithful decode is exactly as large as the inputs plus the 64 KiB module padding.
  uint64_t limit = 0;
  for (std::string_view f : files) limit += f.size() + 65536;
  absl::StatusOr<std::vector<std::string>> back = ReadLgz(*lgz, files.size(), limit);
  if (!back.ok()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("LGZ does not round-trip (decode fails: %s)", back.status().message()));
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if ((*back)[i] != files[i]) {
      return absl::FailedPreconditionError(
          absl::StrFormat("LGZ does not round-trip: file %d decodes to different bytes", i));
    }
  }
  return lgz;
}

}  // namespace leancache::lgz
