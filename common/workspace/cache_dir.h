// Mathlib's local cache directory CACHEDIR (spec: mathlib-cache.md §4).
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace leancache::workspace {

// The first that applies: $MATHLIB_CACHE_DIR verbatim; $XDG_CACHE_HOME/mathlib;
// $HOME/.cache/mathlib (on Windows HOME = %HOMEDRIVE%%HOMEPATH%, only if both are set);
// the relative path ".cache". A variable that is present but empty counts as set, exactly like
// M-2607: MATHLIB_CACHE_DIR="" gives "", XDG_CACHE_HOME="" gives "/mathlib", HOME="" gives
// "/.cache/mathlib" (Lean's `"" / "x"` is "/x"). `env` is the caller's environment.
std::filesystem::path ResolveCacheDir(const std::map<std::string, std::string>& env);

}  // namespace leancache::workspace
