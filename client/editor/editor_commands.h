#pragma once
// `leancache status FILE... [--json]` and `leancache watch` (placeholder until implemented).

#include "client/cli/command_line.h"

namespace leancache::editor_client {

int RunStatus(const cli::CommandLine& cl);
int RunWatch(const cli::CommandLine& cl);

}  // namespace leancache::editor_client
