// leancache-keygraph: computes Mathlib cache keys for a project with the library code
// (Workspace + FileSourceReader + ComputeKeys) and prints timing; a debugging and measuring aid.
//
//   leancache-keygraph PROJECT_DIR [MODULE_ARGS...] [--print]
//
// Prints the root hash, the module count, warnings, the wall time of each phase, and with
// --print every "module key16" line.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "common/hash/lean_hash.h"
#include "common/keys/key_graph.h"
#include "common/workspace/module_args.h"
#include "common/workspace/workspace.h"

extern char** environ;

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  if (argc < 2) {
    std::fprintf(stderr, "usage: leancache-keygraph PROJECT_DIR [MODULE_ARGS...] [--print]\n");
    return 2;
  }
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  bool print = false;
  std::vector<std::string> args;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--print") print = true;
    else args.push_back(argv[i]);
  }
  auto t0 = Clock::now();
  auto ws = leancache::workspace::Workspace::Open(argv[1], env);
  if (!ws.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(ws.status().message()).c_str());
    return 1;
  }
  std::vector<std::string> messages;
  auto roots = leancache::workspace::ResolveModuleArgs(*ws, args, ws->root(), &messages);
  if (!roots.ok()) {
    std::fprintf(stderr, "%s\n", std::string(roots.status().message()).c_str());
    return 1;
  }
  for (const auto& m : messages) std::printf("%s\n", m.c_str());
  auto t1 = Clock::now();
  leancache::keys::FileSourceReader reader;
  auto keys = leancache::keys::ComputeKeys(*ws, *roots, reader, {});
  auto t2 = Clock::now();
  if (!keys.ok()) {
    std::fprintf(stderr, "uncaught exception: %s\n", std::string(keys.status().message()).c_str());
    return 1;
  }
  for (const auto& line : keys->stdout_lines) std::printf("%s\n", line.c_str());
  if (print) {
    for (const auto& [name, entry] : keys->modules) {
      std::printf("%s %s\n", name.c_str(), leancache::hash::Hex16(entry.key).c_str());
    }
  }
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("root hash %s (G=%llu, era %s); %zu modules with keys, %zu without\n",
              leancache::hash::Hex16(keys->root_hash).c_str(),
              static_cast<unsigned long long>(keys->generation), keys->era.c_str(),
              keys->modules.size(), keys->unhashed.size());
  std::printf("workspace+args %.1f ms, ComputeKeys (FileSourceReader) %.1f ms\n", ms(t1 - t0),
              ms(t2 - t1));
  return 0;
}
