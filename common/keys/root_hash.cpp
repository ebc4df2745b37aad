#include "common/keys/root_hash.h"

#include <cctype>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/workspace/read_file.h"

namespace leancache::keys {
namespace fs = std::filesystem;

std::string_view EraName(RootHashEra era) {
  switch (era) {
    case RootHashEra::kAuto: return "auto";
    case RootHashEra::kCurrent: return "current";
    case RootHashEra::kGenerationGithash: return "generation+githash";
    case RootHashEra::kGithash: return "githash";
    case RootHashEra::kVersionString: return "version-string";
    case RootHashEra::kFilesOnly: return "files-only";
  }
  return "unknown";
}

std::optional<uint64_t> ParseRootHashGeneration(std::string_view text) {
  static constexpr std::string_view kName = "rootHashGeneration";
  size_t from = 0;
  while (true) {
    size_t at = text.find(kName, from);
    if (at == std::string_view::npos) return std::nullopt;
    from = at + kName.size();
    // Must be a whole identifier.
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_' ||
                   text[at - 1] == '.')) {
      continue;
    }
    size_t i = from;
    if (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
      continue;
    }
    auto skip_ws = [&] {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r')) ++i;
    };
    skip_ws();
    if (i < text.size() && text[i] == ':' && (i + 1 >= text.size() || text[i + 1] != '=')) {
      ++i;  // type ascription ": UInt64"
      skip_ws();
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
      skip_ws();
    }
    if (text.compare(i, 2, ":=") != 0) continue;
    i += 2;
    skip_ws();
    int base = 10;
    if (text.compare(i, 2, "0x") == 0 || text.compare(i, 2, "0X") == 0) {
      base = 16;
      i += 2;
    }
    uint64_t value = 0;
    size_t digits = 0;
    for (; i < text.size(); ++i, ++digits) {
      char c = text[i];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else if (c == '_') continue;
      else break;
      value = value * base + static_cast<uint64_t>(d);
    }
    if (digits == 0) continue;
    return value;
  }
}

absl::StatusOr<RootHashInfo> ComputeRootHash(const fs::path& mathlib_dir,
                                             const RootHashOptions& options,
                                             SourceReader* reader_or_null) {
  RootHashEra era = options.era;
  std::optional<uint64_t> generation = options.generation;
  const fs::path io_lean = mathlib_dir / "Cache" / "IO.lean";
  std::error_code ec;
  const bool have_io = fs::exists(io_lean, ec);
  if (!generation && have_io) {
    auto text = workspace::ReadFileBytes(io_lean);
    if (!text.ok()) return text.status();
    generation = ParseRootHashGeneration(*text);
  }
  if (era == RootHashEra::kAuto) {
    if (generation) {
      era = RootHashEra::kCurrent;
      if (options.githash) {
        auto hashing = workspace::ReadFileBytes(mathlib_dir / "Cache" / "Hashing.lean");
        if (hashing.ok() && hashing->find("githash") != std::string::npos) {
          era = RootHashEra::kGenerationGithash;
        }
      }
    } else if (have_io) {
      if (options.githash) era = RootHashEra::kGithash;
      else if (options.version_string) era = RootHashEra::kVersionString;
      else {
        return absl::FailedPreconditionError(absl::StrCat(
            io_lean.string(),
            " has no rootHashGeneration (Mathlib before 2025-04): its root hash needs Lean's "
            "githash; pass one (RootHashOptions::githash)"));
      }
    } else {
      era = RootHashEra::kCurrent;
      generation = kDefaultGeneration;
    }
  }
  if ((era == RootHashEra::kCurrent || era == RootHashEra::kGenerationGithash) && !generation) {
    generation = kDefaultGeneration;
  }
  if ((era == RootHashEra::kGithash || era == RootHashEra::kGenerationGithash) && !options.githash) {
    return absl::InvalidArgumentError(
        absl::StrCat("root hash era '", std::string(EraName(era)), "' needs Lean's githash"));
  }
  if (era == RootHashEra::kVersionString && !options.version_string) {
    return absl::InvalidArgumentError("root hash era 'version-string' needs Lean's version string");
  }

  std::vector<uint64_t> items;
  if (era == RootHashEra::kCurrent || era == RootHashEra::kGenerationGithash) {
    items.push_back(*generation);
  }
  if (era == RootHashEra::kGenerationGithash || era == RootHashEra::kGithash) {
    items.push_back(hash::StringHash(*options.githash));
  }
  if (era == RootHashEra::kVersionString) items.push_back(hash::StringHash(*options.version_string));
  FileSourceReader disk;
  SourceReader* reader = reader_or_null != nullptr ? reader_or_null : &disk;
  for (const char* name : {"lakefile.lean", "lean-toolchain", "lake-manifest.json"}) {
    auto h = reader->ContentHashOf(mathlib_dir / name);
    if (!h.ok()) {
      return absl::Status(h.status().code(),
                          absl::StrCat("cannot compute the root hash: ", h.status().message()));
    }
    items.push_back(*h);
  }
  RootHashInfo info;
  info.root_hash = hash::ListHash(items);
  info.generation =
      (era == RootHashEra::kCurrent || era == RootHashEra::kGenerationGithash) ? *generation : 0;
  info.era = std::string(EraName(era));
  return info;
}

}  // namespace leancache::keys
