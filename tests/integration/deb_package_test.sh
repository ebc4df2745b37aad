#!/usr/bin/env bash
# The Debian package: cpack -G DEB builds it, dpkg -x unpacks it into a scratch root, and the
# installed binaries, units, man pages, completion and dictionary notice are all there and work.
# Then socket activation: leancached under systemd-socket-activate starts on the first
# connection and serves it.
source "$(dirname "$0")/lib/daemon.sh"
lc_setup
cd "$LEANCACHE_BINARY_DIR"
cpack -G DEB -B "$LC_TMP/deb" >"$LC_TMP/cpack.log" 2>&1 || fail "cpack failed: $(tail -5 "$LC_TMP/cpack.log")"
deb=$(ls "$LC_TMP"/deb/*.deb)
[ -f "$deb" ] || fail "no .deb produced"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libgrpc libprotobuf liblmdb libzstd libcurl libspdlog; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -I "$deb" postinst | grep -q "systemd-sysusers leancache.conf" || fail "the package has no postinst creating the leancache user"
root="$LC_TMP/root"
dpkg -x "$deb" "$root"
for f in lib/systemd/system/leancached.socket lib/systemd/system/leancached.service lib/sysusers.d/leancache.conf lib/tmpfiles.d/leancache.conf; do
  find "$root" -path "*/$f" | grep -q . || fail "the package lacks $f"
done
# Debian policy: everything under /usr, whatever prefix the build tree was configured with.
listing=$(dpkg -c "$deb")
for f in ./usr/bin/leancache ./usr/bin/leancached ./usr/bin/ltar ./usr/lib/systemd/user/leancached.service \
         ./usr/lib/systemd/user/leancached.socket ./usr/lib/systemd/system/leancached.service \
         ./usr/lib/systemd/system/leancached.socket; do
  grep -q " $f\$" <<<"$listing" || fail "dpkg -c does not list $f"
done
! grep -q ' \./usr/local/' <<<"$listing" || fail "the package installs under /usr/local: $(grep -m3 ' ./usr/local/' <<<"$listing")"
prefix=usr
for f in bin/leancache bin/leancached bin/ltar lib/systemd/user/leancached.socket lib/systemd/user/leancached.service \
         share/man/man1/leancache.1 share/man/man8/leancached.8 share/bash-completion/completions/leancache \
         share/leancache/leangz-v1.dict share/leancache/NOTICE; do
  [ -e "$root/$prefix/$f" ] || fail "package lacks $prefix/$f"
done
"$root/$prefix/bin/leancache" --version | grep -q '^leancache ' || fail "installed leancache does not run"
"$root/$prefix/bin/leancached" --version | grep -q '^leancached ' || fail "installed leancached does not run"
"$root/$prefix/bin/ltar" -k "$LEANCACHE_SHARED_DIR/vectors/ltar/a.ltar" | grep -q 'git=test@abc' || fail "installed ltar does not read archives"
for unit in user/leancached.service system/leancached.service; do
  grep -q "^ExecStart=/usr/bin/leancached" "$root/usr/lib/systemd/$unit" || fail "$unit points elsewhere: $(grep ExecStart "$root/usr/lib/systemd/$unit")"
done
# `cmake --install` to another prefix (bootstrap.sh: /usr/local) writes units naming that prefix.
cmake --install . --prefix "$LC_TMP/inst" >"$LC_TMP/install.log" 2>&1 || fail "cmake --install failed: $(tail -5 "$LC_TMP/install.log")"
grep -q "^ExecStart=$LC_TMP/inst/bin/leancached" "$LC_TMP/inst/lib/systemd/user/leancached.service" \
  || fail "installed user unit points elsewhere: $(grep ExecStart "$LC_TMP/inst/lib/systemd/user/leancached.service")"
man -l "$root/$prefix/share/man/man1/leancache.1" >/dev/null 2>&1 || fail "man page does not render"
pass "package $(basename "$deb"): binaries run, units, man pages, completion, notice; Depends: $(cut -c1-80 <<<"$depends")..."

# Socket activation with the installed daemon.
if command -v systemd-socket-activate >/dev/null; then
  sock="$LC_TMP/act/leancached.sock"
  mkdir -p -m 0700 "$LC_TMP/act"
  systemd-socket-activate -l "$sock" "$root/$prefix/bin/leancached" --foreground --socket "$sock" \
    --state-dir "$LC_TMP/act-state" --idle-timeout 0 >"$LC_TMP/act.log" 2>&1 &
  act=$!
  # A failing check must not leave the activator behind.
  trap 'st=$?; set +e; kill "$act" 2>/dev/null; (exit $st); lc_cleanup' EXIT
  for i in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
  pgrep -f -- "^$root/$prefix/bin/leancached --foreground --socket $sock" >/dev/null && fail "daemon started before any connection"
  out=$(LEANCACHE_SOCKET="$sock" LEANCACHE_NO_AUTOSTART=1 "$root/$prefix/bin/leancache" daemon status) \
    || fail "socket-activated daemon did not answer: $(cat "$LC_TMP/act.log")"
  expect_contains "$out" "socket:    $sock" "socket-activated status"
  grep -q "using the socket passed by systemd" "$LC_TMP/act.log" || fail "daemon did not use the passed socket"
  kill "$act" 2>/dev/null || true
  wait "$act" 2>/dev/null || true
  pass "socket activation: started on the first connection and served it"
else
  fail "systemd-socket-activate missing (package systemd)"
fi
echo "deb_package: all checks passed"
