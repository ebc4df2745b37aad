#include "common/lake/mapping_file.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace leancache::lake {
namespace {

// Checks line 1 the way Lake's CacheMap reader does, adding warnings.
absl::Status CheckHeader(absl::string_view line, absl::string_view name, MappingFile* file) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": expected schema version on line 1"));
  }
  nlohmann::json header = nlohmann::json::parse(std::string(trimmed), nullptr, /*allow_exceptions=*/false);
  if (!header.is_string()) {
    file->warnings.push_back(absl::StrCat(name, ": invalid header on line 1"));
    return absl::OkStatus();
  }
  file->schema = header.get<std::string>();
  // Dates "YYYY-MM-DD" compare as strings; anything that is not a date is not older.
  bool is_date = file->schema.size() == 10 && file->schema[4] == '-' && file->schema[7] == '-';
  if (!is_date) {
    file->warnings.push_back(absl::StrCat(name, ": invalid header on line 1"));
  } else if (file->schema < kMappingSchema) {
    file->warnings.push_back(absl::StrCat(name, ": unknown schema version '", file->schema,
                                          "'; may not parse correctly"));
  }
  return absl::OkStatus();
}

// Parses one entry line; an error message (without the name/line prefix) on failure.
absl::StatusOr<MappingEntry> ParseEntry(absl::string_view line, int number) {
  nlohmann::json j = nlohmann::json::parse(std::string(line), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("invalid JSON");
  if (!j.is_array() || j.size() < 2) {
    return absl::InvalidArgumentError("expected an array [inputHash, outputs]");
  }
  MappingEntry entry;
  entry.line = number;
  if (!ParseInputHash(j[0], &entry.input_hash)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid input hash ", j[0].dump()));
  }
  entry.outputs = std::move(j[1]);
  if (absl::Status s = CollectArtifacts(entry.outputs, &entry.artifacts); !s.ok()) return s;
  return entry;
}

}  // namespace

bool ParseInputHash(const nlohmann::json& value, uint64_t* out) {
  if (value.is_string()) return ParseHex64(value.get_ref<const std::string&>(), out);
  if (value.is_number_unsigned()) {
    *out = value.get<uint64_t>();
    return true;
  }
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    *out = static_cast<uint64_t>(value.get<int64_t>());
    return true;
  }
  return false;
}

absl::Status CollectArtifacts(const nlohmann::json& outputs, std::vector<ArtifactName>* out) {
  switch (outputs.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::boolean:
      return absl::OkStatus();
    case nlohmann::json::value_t::string: {
      absl::StatusOr<ArtifactName> name = ParseArtifactName(outputs.get_ref<const std::string&>());  // NOLINT
      if (!name.ok()) return name.status();
      out->push_back(*std::move(name));
      return absl::OkStatus();
    }
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_integer: {
      uint64_t h = 0;
      if (!ParseInputHash(outputs, &h)) {
        return absl::InvalidArgumentError(absl::StrCat("unsupported output ", outputs.dump()));
      }
      out->push_back({h, std::string(kDefaultExt)});
      return absl::OkStatus();
    }
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object:
      for (const auto& v : outputs) {
        if (absl::Status s = CollectArtifacts(v, out); !s.ok()) return s;
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(absl::StrCat("unsupported output ", outputs.dump()));
  }
}

absl::StatusOr<MappingFile> ParseMappingFile(std::string_view contents_in, std::string_view name_in,
                                             bool strict) {
  const absl::string_view contents(contents_in.data(), contents_in.size());
  const absl::string_view name(name_in.data(), name_in.size());
  MappingFile file;
  size_t eol = contents.find('\n');
  if (absl::Status s = CheckHeader(contents.substr(0, eol), name, &file); !s.ok()) return s;
  int number = 1;
  while (eol != absl::string_view::npos) {
    size_t start = eol + 1;
    eol = contents.find('\n', start);
    absl::string_view line = contents.substr(start, eol == absl::string_view::npos ? eol : eol - start);
    ++number;
    if (absl::StripAsciiWhitespace(line).empty()) break;  // a blank line ends the file
    absl::StatusOr<MappingEntry> entry = ParseEntry(line, number);
    if (!entry.ok()) {
      std::string msg = absl::StrCat(name, ": line ", number, ": ", entry.status().message());
      if (strict) return absl::InvalidArgumentError(msg);
      file.warnings.push_back(msg);
      file.skipped++;
      continue;
    }
    file.entries.push_back(*std::move(entry));
  }
  return file;
}

std::vector<ArtifactName> AllArtifacts(const MappingFile& file) {
  std::set<ArtifactName> seen;
  for (const auto& e : file.entries) seen.insert(e.artifacts.begin(), e.artifacts.end());
  return {seen.begin(), seen.end()};
}

}  // namespace leancache::lake
