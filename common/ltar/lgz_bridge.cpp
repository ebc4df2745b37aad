#include "common/ltar/lgz_bridge.h"

#include "common/lgz/lgz_codec.h"

namespace leancache::ltar {

absl::StatusOr<std::vector<std::string>> LgzDecode(std::string_view lgz, size_t expected_files,
                                                   uint64_t max_output_bytes) {
  return lgz::DecodeOleans(lgz, expected_files, max_output_bytes);
}

absl::StatusOr<std::string> LgzEncodeVerified(absl::Span<const std::string_view> files) {
  return lgz::EncodeOleansVerified(files);
}

}  // namespace leancache::ltar
