#include "client/editor/editor_commands.h"

#include <iostream>

namespace leancache::editor_client {

int RunStatus(const cli::CommandLine&) {
  std::cerr << "leancache: 'status' is not implemented yet\n";
  return 1;
}
int RunWatch(const cli::CommandLine&) {
  std::cerr << "leancache: 'watch' is not implemented yet\n";
  return 1;
}

}  // namespace leancache::editor_client
