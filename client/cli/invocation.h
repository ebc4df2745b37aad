#pragma once
// What the client tells the daemon about itself: project, arguments, options, working
// directory, and the environment variables the daemon needs to act for this user.

#include <string>

#include "client/cli/command_line.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::cli {

// True for the variables forwarded to the daemon (MATHLIB_*, LEAN_*, LEANCACHE_*, Lake's LAKE_*,
// RESERVOIR_* and ELAN_*, XDG cache and
// config homes, HOME, TERM, ...); the daemon never uses its own environment for a request.
bool Forwarded(const std::string& name);

// Fills `inv` from the parsed command line and this process's environment.
void FillInvocation(const CommandLine& cl, v1::Invocation* inv);

}  // namespace leancache::cli
