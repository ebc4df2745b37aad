// Path confinement: map an untrusted relative name (e.g. an archive entry name) to a path
// inside a base directory, refusing anything that could escape it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::fs {

// Splits `name` into path components after checking it is a safe relative path: non-empty,
// not absolute, no NUL byte, no ".." component, and naming something below the base (not the
// base itself). "." and empty components ("a//b", "./a") are dropped.
// Errors: InvalidArgument naming `name`.
absl::StatusOr<std::vector<std::string>> SplitSafeRelativePath(std::string_view name);

// Resolves `name` (checked with SplitSafeRelativePath) below directory `base` and returns
// "<realpath(base)>/<resolved parent dirs>/<file name>". Existing parent components that are
// symlinks are followed only if their target stays inside realpath(base); an existing parent
// that is not a directory is an error. If `create_dirs` is true, `base` and missing parent
// directories are created (mode 0777 & ~umask); otherwise missing parts are only checked
// syntactically and a missing `base` is allowed. Directories this call creates are appended to
// `created` (if given), parents first, so a caller can remove them again after a failure.
// Errors: InvalidArgument (unsafe name, symlink escape), I/O errors naming the path.
absl::StatusOr<std::string> ResolveConfinedPath(const std::string& base, std::string_view name,
                                                bool create_dirs,
                                                std::vector<std::string>* created = nullptr);

// Creates `dir` and all missing parents (like mkdir -p); newly created directories are appended
// to `created` (if given), parents first. Errors name the directory.
absl::Status MakeDirs(const std::string& dir, std::vector<std::string>* created = nullptr);

// Removes the directories in `dirs` in reverse order, as far as they are empty (errors ignored).
void RemoveEmptyDirs(const std::vector<std::string>& dirs);

}  // namespace leancache::fs
