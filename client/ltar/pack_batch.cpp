#include "client/ltar/pack_batch.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/json/parse_json.h"

namespace leancache::ltar_cli {
namespace {

constexpr int kExitPanic = 101;

// The pack arguments on one line, or an error naming what is wrong.
absl::StatusOr<CliArgs> ParseLine(std::string_view line) {
  absl::StatusOr<nlohmann::json> doc = json::ParseJson(line);
  if (!doc.ok()) return doc.status();
  if (!doc->is_array()) return absl::InvalidArgumentError("not a JSON array of arguments");
  std::vector<std::string> args;
  for (const nlohmann::json& a : *doc) {
    if (!a.is_string()) return absl::InvalidArgumentError("an argument is not a string");
    args.push_back(a.get<std::string>());
  }
  absl::StatusOr<CliArgs> parsed = ParseArgs(args);
  if (!parsed.ok()) return parsed.status();
  if (parsed->command != Command::kPack) return absl::InvalidArgumentError("not a pack command");
  return parsed;
}

}  // namespace

int RunPackBatch(std::string_view text, const std::function<int(const CliArgs&)>& pack) {
  int failed = 0;
  size_t number = 0;
  for (absl::string_view piece : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    const std::string_view line(piece.data(), piece.size());
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    absl::StatusOr<CliArgs> args = ParseLine(line);
    if (!args.ok()) {
      std::fprintf(stderr, "ltar: --pack-batch line %zu: %s\n", number, std::string(args.status().message()).c_str());
      ++failed;
      continue;
    }
    if (pack(*args) != 0) ++failed;
  }
  return failed == 0 ? 0 : kExitPanic;
}

}  // namespace leancache::ltar_cli
