# Shared helpers for integration tests that run the real leancached and leancache binaries.
# Source it, then call lc_setup. Everything lives in a private temp dir that is removed (and
# every daemon started there stopped) when the script exits.

set -euo pipefail

: "${LEANCACHE_BINARY_DIR:?run through ctest, or set LEANCACHE_BINARY_DIR}"
: "${LEANCACHE_SHARED_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)/shared}"

LEANCACHE="$LEANCACHE_BINARY_DIR/client/leancache"
LEANCACHED="$LEANCACHE_BINARY_DIR/daemon/leancached"
LTAR="$LEANCACHE_BINARY_DIR/client/ltar"
FIXTUREGEN="$LEANCACHE_BINARY_DIR/tests/tools/fixturegen/leancache-fixturegen"
GRAPH="$LEANCACHE_SHARED_DIR/data/mathlib-import-graph.tsv"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { grep -qF -- "$2" <<<"$1" || fail "$3: '$2' not in output: $1"; }

# Stops every daemon whose instance lock lives under $LC_TMP, then removes it.
lc_cleanup() {
  local status=$?
  if [ -n "${LC_TMP:-}" ] && [ -d "$LC_TMP" ]; then
    local pids=()
    for lock in $(find "$LC_TMP" -name '*.sock.lock' 2>/dev/null); do
      pid=$(head -c 16 "$lock" 2>/dev/null | tr -dc 0-9 || true)
      [ -n "$pid" ] && kill "$pid" 2>/dev/null && pids+=("$pid")
    done
    # Up to 5 s to exit (a sanitizer build checks for leaks at exit).
    for _ in $(seq 1 50); do
      local alive=0
      for pid in "${pids[@]}"; do lc_proc_ended "$pid" || alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.1
    done
    for lock in $(find "$LC_TMP" -name '*.sock.lock' 2>/dev/null); do
      pid=$(head -c 16 "$lock" 2>/dev/null | tr -dc 0-9 || true)
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done
    # A daemon's stderr is its log: a sanitizer report or a crash message there fails the test.
    local reports
    reports=$(find "$LC_TMP" -name 'leancached*.log*' -exec grep -lE \
      '^(==[0-9]+==ERROR: |WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak|UndefinedBehavior)Sanitizer)|runtime error: |terminate called' {} + 2>/dev/null || true)
    if [ -n "$reports" ]; then
      for f in $reports; do echo "FAIL: sanitizer or crash report in the daemon's log $f:" >&2; grep -A30 -E '==ERROR|ThreadSanitizer|runtime error|terminate called' "$f" | head -80 >&2; done
      [ "$status" = 0 ] && status=1
    fi
    rm -rf "$LC_TMP"
  fi
  exit $status
}

lc_setup() {
  LC_TMP=$(mktemp -d "${LC_TMP_PARENT:-/tmp}/lc-it.XXXXXX")
  trap lc_cleanup EXIT
  export LEANCACHE_SOCKET="$LC_TMP/run/leancached.sock"
  export XDG_STATE_HOME="$LC_TMP/state"
  export XDG_CONFIG_HOME="$LC_TMP/config"
  export MATHLIB_CACHE_DIR="$LC_TMP/cache"
  export LEANCACHE_DAEMON_BINARY="$LEANCACHED"
  unset XDG_RUNTIME_DIR LEANCACHE_NO_AUTOSTART LEAN_SRC_PATH || true
}

# Starts a daemon on $LEANCACHE_SOCKET (extra args are passed on); returns once it is ready.
lc_start_daemon() {
  "$LEANCACHED" --socket "$LEANCACHE_SOCKET" --state-dir "$XDG_STATE_HOME/leancache" "$@"
}

# lc_stop_foreground PID ERRFILE: stops a daemon this shell started with --foreground (its
# stderr in ERRFILE) with SIGTERM; it must exit 0 without a sanitizer report.
lc_stop_foreground() {
  local rc
  kill -TERM "$1"
  set +e
  wait "$1"
  rc=$?
  set -e
  expect_eq "$rc" "0" "daemon exit status after SIGTERM ($(tail -n 20 "$2"))"
  if grep -qE 'Sanitizer|runtime error:' "$2"; then
    fail "sanitizer report from the daemon: $(grep -m1 -A30 -E 'Sanitizer|runtime error:' "$2")"
  fi
}

# lc_proc_ended PID: the process is gone, or has exited and waits for its reaper (a zombie).
lc_proc_ended() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }

lc_daemon_pid() { head -c 16 "$LEANCACHE_SOCKET.lock" 2>/dev/null | tr -dc 0-9; }

# Writes a Mathlib-shaped workspace of about N modules into DIR.
lc_fixture() {
  local dir=$1 n=$2
  shift 2
  "$FIXTUREGEN" --graph "$GRAPH" --out "$dir" --limit "$n" "$@" >/dev/null
}

# lc_mirror SRC KEYS OUT: packs every module of SRC (built artifacts included) into OUT/f/
# as Mathlib's CI does; prints the number of archives.
lc_mirror() { /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/mirror.py" "$LTAR" "$1" "$2" "$3"; }

# lc_mirror_of SRC: the keys of SRC into $LC_TMP/keys (via the running daemon) and its archives
# into $mirror=$LC_TMP/mirror; $n = the number of archives.
lc_mirror_of() {
  "$LEANCACHE" -C "$1" hash >"$LC_TMP/keys"
  mirror="$LC_TMP/mirror"
  n=$(lc_mirror "$1" "$LC_TMP/keys" "$mirror")
}

# lc_mirrored_fixture MODULES [daemon args...]: after lc_setup, a workspace of MODULES modules
# with build outputs in $src, a daemon (idle timeout off, extra args passed on), and every
# archive on an nginx mirror (lc_mirror_of; MATHLIB_CACHE_GET_URL=$NGINX_URL). Needs nginx.sh.
lc_mirrored_fixture() {
  local modules=$1; shift
  src="$LC_TMP/src"
  lc_fixture "$src" "$modules" --artifacts
  lc_start_daemon --idle-timeout 0 "$@"
  lc_mirror_of "$src"
  nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
  export MATHLIB_CACHE_GET_URL="$NGINX_URL"
}

# lc_copy_sources SRC DST: the project's sources without build outputs (a fresh checkout).
lc_copy_sources() {
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$2")
}
