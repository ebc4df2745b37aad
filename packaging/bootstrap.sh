#!/usr/bin/env bash
# One command for a fresh Debian machine: install the packages, build leancache, install the
# binaries (to /usr/local unless PREFIX is set), and run the main job in a Lean project.
# Usage: packaging/bootstrap.sh [PROJECT_DIR] [COMMAND...]   (default: . get)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$(cd "${1:-.}" && pwd)"
shift || true
[ $# -gt 0 ] || set -- get
build="${LEANCACHE_BUILD_DIR:-$root/build}"
prefix="${PREFIX:-/usr/local}"
"$root/packaging/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build" -j"$(nproc)" --target leancache leancached ltar
# sudo only when we are not root and cannot write the prefix (or the directory it will be made in).
SUDO=""
existing="$prefix"
while [ ! -e "$existing" ]; do existing=$(dirname "$existing"); done
[ "$(id -u)" -eq 0 ] || [ -w "$existing" ] || SUDO="sudo"
$SUDO cmake --install "$build" >/dev/null
echo "bootstrap: installed leancache, leancached and ltar into $prefix/bin"
if [ ! -f "$project/lake-manifest.json" ] && [ ! -f "$project/Mathlib.lean" ]; then
  echo "bootstrap: $project is not a Lean project (no lake-manifest.json); run" >&2
  echo "  leancache -C <your Mathlib project> $*" >&2
  exit 1
fi
exec "$prefix/bin/leancache" -C "$project" "$@"
