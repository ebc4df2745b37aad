// Command-line parsing for `ltar`, following leantar 0.1.19 (spec §2): options are recognised
// only before the first non-option argument; after that, pack mode reads OUT TRACE and items
// (FILE, `-i N FILE`, `-c COMMENT`), unpack mode reads archive paths (`-` = JSON on stdin).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ltar/writer.h"

namespace leancache::ltar_cli {

enum class Command { kPack, kUnpack, kComments, kVersion, kHelp };

struct CliArgs {
  Command command = Command::kPack;
  bool verbose = false;
  bool force = false;
  int jobs = 0;                        // 0 = number of CPUs
  std::vector<std::string> bases;      // -C, in order; empty = {"."}
  // pack
  std::string out;
  std::string trace;
  std::vector<ltar::PackItem> items;
  // unpack / comments
  std::vector<std::string> files;      // "-" = read a JSON list from stdin
};

// Parses argv[1..]. Errors: InvalidArgument with a usage message.
absl::StatusOr<CliArgs> ParseArgs(const std::vector<std::string>& args);

// The --help text.
const char* UsageText();

}  // namespace leancache::ltar_cli
