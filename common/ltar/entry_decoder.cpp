#include "common/ltar/entry_decoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/ltar/lgz_bridge.h"
#include "common/ltar/trace.h"
#include "common/ltar/zstd_codec.h"

namespace leancache::ltar {
namespace {

absl::Status Charge(DecodeBudget& budget, uint64_t n, const std::string& what) {
  if (n > budget.limits.max_entry_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(what, ": entry exceeds the limit of ",
                                                     budget.limits.max_entry_bytes, " bytes"));
  }
  if (n > budget.limits.max_archive_bytes - std::min(budget.used, budget.limits.max_archive_bytes)) {
    return absl::ResourceExhaustedError(absl::StrCat(what, ": archive exceeds the limit of ",
                                                     budget.limits.max_archive_bytes, " bytes"));
  }
  budget.used += n;
  return absl::OkStatus();
}

uint64_t Room(const DecodeBudget& budget) {
  uint64_t archive_left =
      budget.limits.max_archive_bytes - std::min(budget.used, budget.limits.max_archive_bytes);
  return std::min(budget.limits.max_entry_bytes, archive_left);
}

}  // namespace

std::vector<EntryPath> OutputPaths(const Entry& e) {
  std::vector<EntryPath> out{e.path};
  if (e.mode == Mode::kLgzModule) {
    out.insert(out.end(), e.extra_paths.begin(), e.extra_paths.end());
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeEntry(const Archive& archive, const Entry& e,
                                                     DecodeBudget& budget) {
  std::string what = absl::StrCat(archive.name(), ": ", e.path.name);
  std::vector<std::string> out;
  switch (e.mode) {
    case Mode::kZstd: {
      absl::StatusOr<std::string> data =
          ZstdDecompress(archive.payload(e), /*with_dictionary=*/false, Room(budget), what);
      if (!data.ok()) return data.status();
      out.push_back(*std::move(data));
      break;
    }
    case Mode::kLgz:
    case Mode::kLgzModule: {
      size_t files = e.mode == Mode::kLgz ? 1 : 3;
      // The LGZ stream is smaller than what it decodes to, so the same cap applies to it.
      absl::StatusOr<std::string_view> lgz =
          ZstdDecompressToScratch(archive.payload(e), /*with_dictionary=*/true, Room(budget), what);
      if (!lgz.ok()) return lgz.status();
      uint64_t cap = std::min<uint64_t>(
          budget.limits.max_archive_bytes - std::min(budget.used, budget.limits.max_archive_bytes),
          budget.limits.max_entry_bytes > UINT64_MAX / files ? UINT64_MAX
                                                             : budget.limits.max_entry_bytes * files);
      absl::StatusOr<std::vector<std::string>> oleans = LgzDecode(*lgz, files, cap);
      if (!oleans.ok()) {
        return absl::Status(oleans.status().code(),
                            absl::StrCat(what, ": LGZ: ", oleans.status().message()));
      }
      if (oleans->size() != files) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": LGZ stream decoded to ",
                                                       oleans->size(), " files, expected ", files));
      }
      out = *std::move(oleans);
      break;
    }
    case Mode::kHashPlain:
      out.push_back(std::to_string(e.value));
      break;
    case Mode::kHashJson:
      out.push_back(RenderHashJson(e.value));
      break;
    case Mode::kHashOutput:
      out.push_back(RenderHashOutput(e.hash_output));
      break;
  }
  for (const std::string& s : out) {
    absl::Status st = Charge(budget, s.size(), what);
    if (!st.ok()) return st;
  }
  return out;
}

absl::StatusOr<std::string> DecodeTrace(const Archive& archive, DecodeBudget& budget) {
  if (!archive.trace_entry()) return std::to_string(archive.dep_hash());
  absl::StatusOr<std::vector<std::string>> out = DecodeEntry(archive, *archive.trace_entry(), budget);
  if (!out.ok()) return out.status();
  return std::move(out->front());
}

}  // namespace leancache::ltar
