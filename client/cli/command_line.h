#pragma once
// The client's command grammar, modelled on `lake exe cache`: global flags first, then a
// command word, then module arguments; any argument starting with `--` is an option wherever
// it appears (§9.2 of the spec), the last occurrence of an option winning.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leancache::cli {

struct CommandLine {
  std::string project_dir;                     // -C DIR (absolute), default: cwd
  std::string command;                         // e.g. "get!", "hash", "daemon"
  std::vector<std::string> args;               // positional arguments after the command
  std::map<std::string, std::string> options;  // --name=value / --flag ("" value)
  bool json = false;
  bool help = false;
  bool version = false;
};

// Parses argv (without argv[0]). On a usage error returns nullopt and sets *error to the
// message to print (the caller exits 1).
std::optional<CommandLine> ParseCommandLine(const std::vector<std::string>& argv, std::string* error);

// The help text, printed for --help or no arguments.
std::string HelpText();

}  // namespace leancache::cli
