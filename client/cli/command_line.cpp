#include "client/cli/command_line.h"

#include <unistd.h>

#include <filesystem>

namespace leancache::cli {

std::optional<CommandLine> ParseCommandLine(const std::vector<std::string>& argv, std::string* error) {
  CommandLine out;
  std::error_code ec;
  out.project_dir = std::filesystem::current_path(ec).string();
  size_t i = 0;
  // Global flags before the command word.
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-C") {
      if (i + 1 >= argv.size()) {
        *error = "option -C needs a directory";
        return std::nullopt;
      }
      out.project_dir = argv[++i];
    } else if (a.rfind("-C", 0) == 0 && a.size() > 2 && a[2] != '-') {
      out.project_dir = a.substr(2);
    } else if (a == "--json") {
      out.json = true;
    } else if (a == "--help" || a == "-h") {
      out.help = true;
    } else if (a == "--version" || a == "-V") {
      out.version = true;
    } else if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      out.options[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
          eq == std::string::npos ? "" : a.substr(eq + 1);
    } else {
      break;
    }
  }
  if (i < argv.size()) out.command = argv[i++];
  if (out.command == "lake") {  // Lake's own flags ("--rev R", "--rev=R"), parsed by the daemon
    for (; i < argv.size(); ++i) out.args.push_back(argv[i]);
  }
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--json") {
      out.json = true;
    } else if (a == "--help") {
      out.help = true;
    } else if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      out.options[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
          eq == std::string::npos ? "" : a.substr(eq + 1);
    } else if (a.size() > 1 && a[0] == '-') {
      *error = "Invalid argument: option must come before command " + a;
      return std::nullopt;
    } else {
      out.args.push_back(a);
    }
  }
  std::filesystem::path dir(out.project_dir);
  if (!dir.is_absolute()) dir = std::filesystem::absolute(dir, ec);
  out.project_dir = dir.lexically_normal().string();
  if (out.project_dir.size() > 1 && out.project_dir.back() == '/') out.project_dir.pop_back();
  return out;
}

std::string HelpText() {
  return R"(leancache: Mathlib's build cache, served by a long-running daemon (leancached).

Usage: leancache [-C DIR] [--json] COMMAND [ARGS] [--option=value ...]

Commands (as in `lake exe cache`):
  hash [ARGS]       print `Module<TAB>key` for every module in scope (sorted)
  lookup [ARGS]     print the local archive of each module and its comments
  get [ARGS]        download missing archives and unpack them into .lake/build
  get! [ARGS]       download and unpack everything again
  get- [ARGS]       download only
  unpack, unpack!   unpack the archives already in the cache (! = even if up to date)
  clean             delete archives that no project using this cache still needs
  clean!            delete every archive in the cache
  pack, pack!       archive each module's build outputs into the cache (! = even if present)
  put, put!         pack, then upload (Azure: MATHLIB_CACHE_SAS / MATHLIB_CACHE_AZURE_BEARER_TOKEN;
                    S3/R2: MATHLIB_CACHE_S3_*; plain HTTP: MATHLIB_CACHE_PUT_URL)
  put-unpacked      upload only newly packed archives
  put-staged        upload --staging-dir=DIR/*.ltar
  stage[!], unstage[!]  copy archives to / from --staging-dir=DIR
  commit, commit!   upload the commit manifest (/c/<sha>)
  lake VERB [ARGS]  Lake's native cache, as `lake cache VERB`: get, put, put-staged, stage,
                    unstage, add, clean, services, gc (`leancache lake help` lists them)
  daemon status     show the daemon's version, pid, uptime, socket, cache and index
  daemon stop       stop the daemon gracefully

Editors, statistics and maintenance:
  status FILE...    cache state of each file (key, archive, unpacked, problem); --remote also
                    asks the server; exit 2 when a file is not served from the cache
  watch             stream cache-state changes and get progress for the project (Ctrl-C ends)
  prefetch FILE...  fetch the imports of the files, leaves first (--priority=N)
  stats             hits, misses, bytes and errors of the last run and lifetime (--zero resets)
  gc                evict least recently used archives down to the cache size cap
  verify            check every cached archive's SHA-256 and the project's unpacked files
                    (--repair: fix what it can; --cache-only: archives only)

ARGS are module names (Mathlib.Data.Nat.Basic), globs (Mathlib.Data.+, Mathlib.Data.*),
.lean files or folders. Without ARGS the scope is everything reachable from `Mathlib`.

Options:
  -C DIR            project root (default: the current directory)
  --json            print a JSON result instead of text
  --version         print the version
  --help            print this help

Environment:
  LEANCACHE_SOCKET         daemon socket (default $XDG_RUNTIME_DIR/leancache/leancached.sock,
                           else /tmp/leancache-$UID/leancached.sock)
  LEANCACHE_NO_AUTOSTART=1 never start leancached automatically
  MATHLIB_CACHE_DIR        archive directory (default $XDG_CACHE_HOME/mathlib, ~/.cache/mathlib)
)";
}

}  // namespace leancache::cli
