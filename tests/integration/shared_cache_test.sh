#!/usr/bin/env bash
# The shared cache of a multi-user build server (issue 6; daemon/multiuser/README.md), with real
# Unix users: a system daemon (`leancached --system`, as its own unprivileged user) and one
# per-user daemon each for A (trusted, through a group), B (reader) and C (untrusted).
#   * the system units pass `systemd-analyze verify` (when it works offline here);
#   * C's untrusted put is quarantined: B's get finds nothing, C gets its own bytes back;
#   * C's quarantine quota: a clear error on C's put;
#   * A's trusted put is visible to B: B gets byte-identical artifacts with no HTTP source
#     reachable, and C's different build of a module never reaches B;
#   * B cannot connect to A's per-user socket;
#   * with the system daemon stopped, B's per-user daemon gets from the HTTP mirror.
# Needs root (useradd, runuser); skipped with a message otherwise.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
here=$(cd "$(dirname "$0")" && pwd)
units="$here/../../systemd/system"

# --- The system units -------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null 2>&1; then
  vdir=$(mktemp -d /tmp/lc-units.XXXXXX)
  for u in leancached.socket leancached.service; do
    sed "s#/usr/bin/leancached#$LEANCACHED#" "$units/$u" >"$vdir/$u"
  done
  if out=$(cd "$vdir" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$vdir/leancached.socket" "$vdir/leancached.service" 2>&1); then
    # Complaints about the user or the missing sockets.target are environmental; anything that
    # names one of our directives is a real error.
    bad=$(grep -E 'leancached\.(socket|service):[0-9]+:' <<<"$out" || true)
    [ -z "$bad" ] || fail "systemd-analyze verify: $bad"
    pass "systemd-analyze verify accepts systemd/system/leancached.{socket,service}"
  else
    bad=$(grep -E 'leancached\.(socket|service)' <<<"$out" | grep -viE 'user|group|leancache:|Failed to (connect|create|initialize|prepare|load) ' || true)
    [ -z "$bad" ] || fail "systemd-analyze verify: $out"
    echo "note: systemd-analyze verify cannot run offline here: $(head -1 <<<"$out")"
  fi
  # The hardening as systemd scores it (0 = fully locked down, 10 = none); ours is about 0.8.
  if exposure=$(systemd-analyze security --offline=true --threshold=20 "$vdir/leancached.service" 2>&1 | grep -o 'Overall exposure level for leancached.service: [0-9.]*'); then
    level=${exposure##* }
    awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "hardening exposure $level > 2.0"
    pass "systemd-analyze security: exposure $level"
  fi
  rm -rf "$vdir"
fi
grep -q '^ProtectSystem=strict' "$units/leancached.service" || fail "service lacks ProtectSystem=strict"
grep -q '^NoNewPrivileges=yes' "$units/leancached.service" || fail "service lacks NoNewPrivileges"
grep -q '^CacheDirectory=leancached' "$units/leancached.service" || fail "service lacks CacheDirectory"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: shared_cache_test needs root to create Unix users (useradd) and run daemons as them"
  exit 0
fi
for tool in useradd userdel groupadd groupdel runuser; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: shared_cache_test needs $tool"; exit 0; }
done

lc_setup
chmod 0755 "$LC_TMP"  # every test user must reach the binaries' data and its own home below
suffix=$(printf '%05d' $((RANDOM % 100000)))
SYS="lcsd$suffix" A="lcsa$suffix" B="lcsb$suffix" C="lcsc$suffix" TRUSTED="lcst$suffix"
created_users=() created_group=""
sc_cleanup() {
  local status=$?
  set +e  # every step below must run, whatever fails
  if [ "$status" != 0 ]; then  # the daemons' own account of what went wrong
    for log in "${SYS_LOG:-/nonexistent}" "$LC_TMP"/home/*/state/leancache/leancached.log; do
      [ -f "$log" ] && { echo "--- $log"; grep -v 'debug' "$log" | tail -6; grep 'debug' "$log" | tail -6; } >&2 || true
    done
  fi
  for lock in $(find "$LC_TMP" -name '*.sock.lock' 2>/dev/null); do
    pid=$(head -c 16 "$lock" 2>/dev/null | tr -dc 0-9 || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 0.5
  for lock in $(find "$LC_TMP" -name '*.sock.lock' 2>/dev/null); do
    pid=$(head -c 16 "$lock" 2>/dev/null | tr -dc 0-9 || true)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  for u in "${created_users[@]}"; do userdel -f "$u" >/dev/null 2>&1 || true; done
  [ -n "$created_group" ] && groupdel "$created_group" >/dev/null 2>&1 || true
  (exit $status)
  lc_cleanup
}
trap sc_cleanup EXIT

groupadd "$TRUSTED" && created_group=$TRUSTED
for u in "$SYS" "$A" "$B" "$C"; do
  mkdir -p "$LC_TMP/home/$u"
  useradd --no-create-home --home-dir "$LC_TMP/home/$u" --shell /bin/sh --user-group "$u" || fail "useradd $u"
  created_users+=("$u")
  chown "$u:$u" "$LC_TMP/home/$u"
  chmod 0700 "$LC_TMP/home/$u"
done
usermod -a -G "$TRUSTED" "$A"
pass "users $A (trusted via @$TRUSTED), $B (reader), $C (untrusted), $SYS (system daemon)"

# --- Workspaces and the HTTP mirror -------------------------------------------------------------
src="$LC_TMP/src"
lc_fixture "$src" 40 --artifacts
(cd "$src" && git init -q && git add -A >/dev/null && git -c user.email=t@t -c user.name=t commit -qm fixture)
"$LEANCACHE" -C "$src" hash >"$LC_TMP/keys"
"$LEANCACHE" daemon stop >/dev/null 2>&1 || true
mirror="$LC_TMP/mirror"
n=$(lc_mirror "$src" "$LC_TMP/keys" "$mirror")
[ "$n" -gt 20 ] || fail "only $n archives in the mirror"
nginx_start "$mirror" "$LC_TMP/nginx" >/dev/null
MIRROR_URL=$NGINX_URL
mkdir -p "$LC_TMP/cdav"
nginx_start "$LC_TMP/cdav" "$LC_TMP/nginx-c" >/dev/null
C_DAV_URL=$NGINX_URL
DEAD_URL="http://127.0.0.1:9"   # discard port: nothing listens

tree_of() { (cd "$1" && find . -path '*/.lake/build/*' -type f ! -name '*.trace' ! -name '.mathlib-cache-roothash' | sort | xargs sha256sum); }  # traces are rewritten on unpack (as in put_test)
# same_as_genuine SUMS LABEL: every restored file equals A's build; prints how many modules came back.
same_as_genuine() {
  comm -13 <(sort "$LC_TMP/genuine.sums") <(sort "$1") >"$LC_TMP/diff"
  [ ! -s "$LC_TMP/diff" ] || fail "$2 differs from A's build: $(head -3 "$LC_TMP/diff")"
  grep -c '\.olean$' "$1" || true
}
project_of() { echo "$LC_TMP/home/$1/proj"; }
for u in "$A" "$B" "$C"; do
  cp -a "$src" "$(project_of "$u")"
  chown -R "$u:$u" "$(project_of "$u")"
done
wipe() {  # wipe USER: drop the user's CACHEDIR and every build output of its project
  rm -rf "$LC_TMP/home/$1/cache"
  find "$(project_of "$1")" -path '*/.lake/build' -prune -exec rm -rf {} +
}
wipe "$B"
tree_of "$src" >"$LC_TMP/genuine.sums"
# C's different build of one module: same inputs (same key), different .olean bytes.
# (a Mathlib module: Archive/Counterexamples are not reachable from Mathlib, so `get` skips them)
victim=$(cd "$(project_of "$C")" && find . -path '*/.lake/build/lib/lean/Mathlib/*' -name '*.olean' | sort | head -1)
[ -n "$victim" ] || fail "fixture has no .olean"
printf 'not what A built' >>"$(project_of "$C")/$victim"
chown "$C:$C" "$(project_of "$C")/$victim"
genuine_victim=$(sha256sum <"$src/$victim" | cut -d' ' -f1)
c_victim=$(sha256sum <"$(project_of "$C")/$victim" | cut -d' ' -f1)

# --- The system daemon ----------------------------------------------------------------------------
sys="$LC_TMP/sys"
mkdir -p "$sys/run" "$sys/state" "$sys/store" "$sys/etc"
chown "$SYS:$SYS" "$sys/run" "$sys/state" "$sys/store"
SYS_SOCK="$sys/run/leancached.sock"
SYS_LOG="$sys/state/leancached.log"
write_config() {  # write_config QUOTA_BYTES
  cat >"$sys/etc/system.json.new" <<EOF
{"readers": ["*"], "trusted_writers": ["@$TRUSTED"], "untrusted_writes": true, "quarantine_quota_bytes": $1}
EOF
  mv "$sys/etc/system.json.new" "$sys/etc/system.json"
}
write_config 1000000000
# Sanitizer builds: their options (suppressions, halt on error) go through `env -i`.
SAN_ENV=()
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
  [ -n "${!v:-}" ] && SAN_ENV+=("$v=${!v}")
done
start_system() {
  runuser -u "$SYS" -- env -i PATH=/usr/bin:/bin HOME="$LC_TMP/home/$SYS" "${SAN_ENV[@]}" \
    "$LEANCACHED" --system --socket "$SYS_SOCK" --state-dir "$sys/state" --store-dir "$sys/store" \
    --trust-config "$sys/etc/system.json" --log-level debug --log-file "$SYS_LOG" \
    || fail "system daemon did not start: $(tail -5 "$SYS_LOG" 2>/dev/null)"
}
start_system
[ "$(stat -c %a "$SYS_SOCK")" = 666 ] || fail "system socket mode is $(stat -c %a "$SYS_SOCK"), want 666"
[ "$(stat -c %a "$sys/run")" = 755 ] || fail "system socket directory mode is $(stat -c %a "$sys/run")"
pass "system daemon runs as $SYS on $SYS_SOCK (0666, authorization by SO_PEERCRED)"

# --- Per-user daemons -------------------------------------------------------------------------------
# as USER CMD...: runs CMD as USER with a clean per-user environment.
as() {
  local u=$1
  shift
  local h="$LC_TMP/home/$u"
  runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME="$h" XDG_RUNTIME_DIR="$h/run" "${SAN_ENV[@]}" \
    XDG_STATE_HOME="$h/state" XDG_CONFIG_HOME="$h/config" MATHLIB_CACHE_DIR="$h/cache" \
    LEANCACHE_DAEMON_BINARY="$LEANCACHED" LEANCACHE_SHARED_SOCKET="$SYS_SOCK" \
    MATHLIB_CACHE_GET_URL="${GET_URL:-$DEAD_URL}" ${PUT_URL:+MATHLIB_CACHE_PUT_URL=$PUT_URL} "$@"
}
for u in "$A" "$B" "$C"; do
  as "$u" mkdir -p -m 0700 "$LC_TMP/home/$u/run"
  as "$u" "$LEANCACHED" --idle-timeout 0 --log-level debug || fail "per-user daemon of $u did not start"
  [ -S "$LC_TMP/home/$u/run/leancache/leancached.sock" ] || fail "no per-user socket for $u"
done
pass "per-user daemons of $A, $B and $C run with LEANCACHE_SHARED_SOCKET=$SYS_SOCK"

# --- C's untrusted put is quarantined ---------------------------------------------------------------
out=$(PUT_URL="$C_DAV_URL" as "$C" "$LEANCACHE" -C "$(project_of "$C")" put 2>&1) || fail "C's put failed: $out"
expect_contains "$out" "quarantined (served only to you" "C's put reports quarantine"
quarantined=$(find "$sys/store/quarantine/$(id -u "$C")" -name '*.ltar' | wc -l)
[ "$quarantined" -gt 20 ] || fail "only $quarantined archives quarantined for C"
[ -z "$(ls "$sys/store/blobs")" ] || fail "an untrusted put reached the trusted store: $(ls "$sys/store/blobs" | head -3)"
pass "C's put: $quarantined archives quarantined, none trusted"

set +e
out=$(as "$B" "$LEANCACHE" -C "$(project_of "$B")" --json get 2>"$LC_TMP/b0.err")
set -e
b_archives=$(find "$LC_TMP/home/$B/cache" -name '*.ltar' 2>/dev/null | wc -l)
expect_eq "$b_archives" "0" "archives B received while only C had written"
grep -q "from the shared cache" <<<"$out$(cat "$LC_TMP/b0.err")" && fail "B was served C's quarantined archives"
pass "C's quarantined archives are not served to B (B's get found nothing, HTTP unreachable)"

# C gets its own quarantined bytes back, including its different build of $victim.
wipe "$C"
out=$(as "$C" "$LEANCACHE" -C "$(project_of "$C")" get 2>&1) || fail "C's get from its quarantine failed: $out"
expect_contains "$out" "from the shared cache" "C's get from quarantine"
got=$(sha256sum <"$(project_of "$C")/$victim" | cut -d' ' -f1)
expect_eq "$got" "$c_victim" "C's own build of $victim from its quarantine"
pass "C gets its own quarantined archives back (its build of $victim included)"

# --- Quarantine quota ---------------------------------------------------------------------------------
used=$(find "$sys/store/quarantine/$(id -u "$C")" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
write_config "$used"   # picked up by the running daemon on the next request
second=$(cd "$(project_of "$C")" && find . -path '*/.lake/build/lib/lean/Mathlib/*' -name '*.olean' | sort | sed -n 2p)
head -c 4096 /dev/urandom >>"$(project_of "$C")/$second"
set +e
out=$(PUT_URL="$C_DAV_URL" as "$C" "$LEANCACHE" -C "$(project_of "$C")" put! 2>&1)
set -e
expect_contains "$out" "shared cache: quarantine quota exceeded for uid $(id -u "$C")" "quota error shown to C"
expect_contains "$out" "quarantine_quota_bytes" "quota error names the setting"
pass "quarantine quota: C's bigger rebuild is refused with a clear message"
write_config 1000000000

# --- A's trusted put is visible to B ---------------------------------------------------------------
out=$(PUT_URL="$MIRROR_URL" as "$A" "$LEANCACHE" -C "$(project_of "$A")" put 2>&1) || fail "A's put failed: $out"
expect_contains "$out" "Shared cache: $n stored" "A's put stores every archive as trusted"
trusted=$(find "$sys/store/blobs" -name '*.ltar' | wc -l)
expect_eq "$trusted" "$n" "trusted archives after A's put"
[ "$(stat -c %a "$(find "$sys/store/blobs" -name '*.ltar' | head -1)")" = 644 ] || fail "trusted blobs are not 0644"
left=$(find "$sys/store/quarantine/$(id -u "$C")" -name '*.ltar' | wc -l)
expect_eq "$left" "0" "C's quarantined copies after A's put (promoted or superseded)"
grep -q "confirms" "$SYS_LOG" || fail "no promotion logged: $(grep WriteBlob "$SYS_LOG" | tail -3)"
pass "A's put: $trusted archives trusted; C's identical copies promoted, its different ones dropped"

out=$(as "$B" "$LEANCACHE" -C "$(project_of "$B")" get 2>&1) || fail "B's get from the shared cache failed: $out"
served=$(grep -o 'Got [0-9]* file(s) from the shared cache' <<<"$out" | tr -dc 0-9)
[ -n "$served" ] && [ "$served" -gt 20 ] || fail "B's get did not use the shared cache: $out"
grep -q "Attempting to download" <<<"$out" && fail "B's get still went to HTTP: $out"
tree_of "$(project_of "$B")" >"$LC_TMP/b.sums"
restored=$(same_as_genuine "$LC_TMP/b.sums" "B's tree from the shared cache")
expect_eq "$restored" "$served" "modules B restored from the shared cache"
got=$(sha256sum <"$(project_of "$B")/$victim" | cut -d' ' -f1)
expect_eq "$got" "$genuine_victim" "B's $victim (must be A's bytes, not C's)"
pass "B got $served archives from the shared store with HTTP unreachable: byte-identical to A's build, none of C's bytes"

# --- Per-user sockets are private ----------------------------------------------------------------
a_sock="$LC_TMP/home/$A/run/leancache/leancached.sock"
err=$(runuser -u "$B" -- python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except PermissionError as e:
    print("EACCES", e); sys.exit(0)
print("connected"); sys.exit(1)' "$a_sock") || fail "B could connect to A's per-user socket: $err"
expect_contains "$err" "EACCES" "B connecting to A's socket"
set +e
out=$(as "$B" env LEANCACHE_SOCKET="$a_sock" "$LEANCACHE" -C "$(project_of "$B")" hash 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "B's client talked to A's daemon: $out"
expect_contains "$out" "permission denied" "the client's message for another user's socket"
pass "B cannot connect to A's per-user socket: $out"

# --- The system daemon's socket serves only blob RPCs to users ---------------------------------------
set +e
out=$(as "$B" env LEANCACHE_SOCKET="$SYS_SOCK" LEANCACHE_NO_AUTOSTART=1 "$LEANCACHE" daemon stop 2>&1)
set -e
[ -S "$SYS_SOCK" ] && kill -0 "$(head -c 16 "$SYS_SOCK.lock" | tr -dc 0-9)" 2>/dev/null \
  || fail "a user stopped the system daemon: $out"
pass "a user cannot stop the system daemon"

# --- Shared daemon down: HTTP fallback ------------------------------------------------------------
sys_pid=$(head -c 16 "$SYS_SOCK.lock" | tr -dc 0-9)
kill "$sys_pid"
for _ in $(seq 1 100); do kill -0 "$sys_pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$sys_pid" 2>/dev/null && fail "system daemon did not stop"
wipe "$B"
out=$(GET_URL="$MIRROR_URL" as "$B" "$LEANCACHE" -C "$(project_of "$B")" get 2>&1) || fail "B's HTTP fallback failed: $out"
grep -q "from the shared cache" <<<"$out" && fail "shared cache used while it was down: $out"
tree_of "$(project_of "$B")" >"$LC_TMP/b2.sums"
restored=$(same_as_genuine "$LC_TMP/b2.sums" "B's tree from the HTTP mirror")
expect_eq "$restored" "$served" "modules B restored over HTTP"
# The daemon flushes debug lines once a second: wait for them (at most 5 s).
b_log="$LC_TMP/home/$B/state/leancache/leancached.log"
for _ in $(seq 1 50); do
  grep -q -e "shared cache at $SYS_SOCK not usable" -e "no system daemon socket" "$b_log" 2>/dev/null && break
  sleep 0.1
done
grep -q -e "shared cache at $SYS_SOCK not usable" -e "no system daemon socket" "$b_log" 2>/dev/null \
  || fail "B's daemon did not log the fallback"
pass "system daemon stopped: B's per-user daemon fell back to the HTTP mirror ($served archives, byte-identical)"

# Back up: the next get is served from the shared store again, without restarting B's daemon.
start_system
wipe "$B"
out=$(as "$B" "$LEANCACHE" -C "$(project_of "$B")" get 2>&1) || fail "B's get after the restart failed: $out"
expect_contains "$out" "Got $served file(s) from the shared cache" "B after the system daemon came back"
pass "system daemon restarted: B is served from the shared store again"
