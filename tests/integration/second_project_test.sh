#!/usr/bin/env bash
# The output store (daemon/outstore): a second project gets its build outputs from the store
# instead of unpacking the archives again — by reflink on a file system that shares extents
# (a loop-mounted xfs image; skipped with a message when loop mounts are unavailable), by copy
# elsewhere — with byte-identical results; a file rewritten in place in one project leaves the
# other project and the store unchanged; "auto" does not use the store where reflinks fail;
# gc and clean account for the store.
source "$(dirname "$0")/lib/daemon.sh"
source "$(dirname "$0")/lib/nginx.sh"
lc_setup
mnt=""
trap 'st=$?; [ -n "$mnt" ] && umount -l "$mnt" 2>/dev/null; (exit $st); lc_cleanup' EXIT
lc_mirrored_fixture 40
log="$XDG_STATE_HOME/leancache/leancached.log"
new_project() { mkdir -p "$1"; (cd "$src" && find . -path '*/.lake/build' -prune -o -type f -print | cpio -pdm --quiet "$1"); }
tree_of() { (cd "$1" && find . -path '*/.lake/build/*' -type f | grep -v '.mathlib-cache-roothash' | sort | xargs sha256sum); }
entries() { find "$1/objects" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
get_ok() { "$LEANCACHE" -C "$1" get >"$LC_TMP/get.out" 2>&1 || fail "get in $1 failed: $(cat "$LC_TMP/get.out")"; }
# The store's line for a get is logged when the job has finished, just after the client's answer.
# next_store_line: the next such line into $line.
store_lines=0
next_store_line() {
  store_lines=$((store_lines + 1))
  for _ in $(seq 1 100); do
    [ "$(grep -c 'output store .*placed' "$log")" -ge "$store_lines" ] && break
    sleep 0.05
  done
  line=$(grep 'output store .*placed' "$log" | sed -n "${store_lines}p")
}

# rewrite_check A B STORE: a build in A rewrites an olean in place and appends to an ilean;
# B and the store keep the original bytes.
rewrite_check() {
  local a=$1 b=$2 store=$3 olean rel before_b before_store
  olean=$(find "$a" -path '*/.lake/build/*' -name '*.olean' -print -quit)
  rel=${olean#"$a"/}
  before_b=$(sha256sum <"$b/$rel")
  before_store=$(cat "$store"/objects/*/files/"$rel" 2>/dev/null | sha256sum)
  [ "$(stat -c %i "$a/$rel")" != "$(stat -c %i "$b/$rel")" ] || fail "$rel shares an inode in both projects"
  printf 'REBUILT BY LAKE' | dd of="$a/$rel" conv=notrunc status=none
  echo more >>"${a}/${rel%.olean}.ilean"
  [ "$(head -c 15 "$a/$rel")" = "REBUILT BY LAKE" ] || fail "the in-place rewrite did not happen"
  expect_eq "$(sha256sum <"$b/$rel")" "$before_b" "project B's $rel after A rewrote its copy"
  expect_eq "$(cat "$store"/objects/*/files/"$rel" | sha256sum)" "$before_store" "the store's $rel after A rewrote its copy"
  cmp -s "${a}/${rel%.olean}.ilean" "${b}/${rel%.olean}.ilean" && fail "B's ilean changed with A's"
  return 0
}

# 1. "on" on this file system (ext4 or tmpfs: no reflinks): the second project is copied.
export LEANCACHE_OUTPUT_STORE=on LEANCACHE_OUTPUT_STORE_DIR="$LC_TMP/store"
new_project "$LC_TMP/a"; new_project "$LC_TMP/b"
get_ok "$LC_TMP/a"
next_store_line
expect_contains "$line" "placed $n archive(s) ($n new in the store)" "first project"
expect_eq "$(entries "$LC_TMP/store")" "$n" "store entries after the first project"
get_ok "$LC_TMP/b"
next_store_line
expect_contains "$line" "placed $n archive(s) (0 new in the store)" "second project from the store"
diff <(tree_of "$LC_TMP/a") <(tree_of "$LC_TMP/b") >/dev/null || fail "projects A and B differ"
# Byte-identical with unpacking the archives directly (store off).
LEANCACHE_OUTPUT_STORE=off new_project "$LC_TMP/direct"
LEANCACHE_OUTPUT_STORE=off get_ok "$LC_TMP/direct"
diff <(tree_of "$LC_TMP/direct") <(tree_of "$LC_TMP/b") >"$LC_TMP/diff" || fail "store placement differs from a direct unpack: $(head -3 "$LC_TMP/diff")"
pass "store on ($(df --output=fstype "$LC_TMP" | tail -1)): second project placed from the store ($line), identical to a direct unpack"
rewrite_check "$LC_TMP/a" "$LC_TMP/b" "$LC_TMP/store"
pass "an olean rewritten in place in project A leaves project B and the store unchanged (copy)"
out=$("$LEANCACHE" -C "$LC_TMP/b" get 2>&1) || fail "warm get: $out"
expect_contains "$out" "No files to download" "warm get of B"

# 2. "auto" where reflinks fail: no store use.
unset LEANCACHE_OUTPUT_STORE
export LEANCACHE_OUTPUT_STORE_DIR="$LC_TMP/store-auto"
new_project "$LC_TMP/c"; get_ok "$LC_TMP/c"
if [ "$(df --output=fstype "$LC_TMP" | tail -1 | tr -d ' ')" != xfs ] && [ "$(df --output=fstype "$LC_TMP" | tail -1 | tr -d ' ')" != btrfs ]; then
  expect_eq "$(entries "$LC_TMP/store-auto")" "0" "auto mode without reflinks"
  pass "auto: no store where reflinks fail (archives unpacked directly)"
fi

# 3. A loop-mounted xfs with reflink=1: the second project shares extents with the store.
if ! command -v mkfs.xfs >/dev/null; then
  echo "SKIP: reflink part: mkfs.xfs missing (apt-get install xfsprogs)"
else
  truncate -s 320M "$LC_TMP/xfs.img"  # xfs needs at least 300 MB (a sparse file)
  mkfs.xfs -q -m reflink=1 "$LC_TMP/xfs.img"
  mkdir -p "$LC_TMP/xfs"
  if ! mount -o loop "$LC_TMP/xfs.img" "$LC_TMP/xfs" 2>"$LC_TMP/mount.err"; then
    echo "SKIP: reflink part: cannot loop-mount an xfs image ($(cat "$LC_TMP/mount.err"))"
  else
    mnt="$LC_TMP/xfs"
    export LEANCACHE_OUTPUT_STORE_DIR="$mnt/store"  # mode auto
    new_project "$mnt/x"; new_project "$mnt/y"
    get_ok "$mnt/x"
    next_store_line
    expect_contains "$line" "placed $n archive(s) ($n new in the store)" "first project on xfs"
    get_ok "$mnt/y"
    next_store_line
    expect_contains "$line" "placed $n archive(s) (0 new in the store)" "second project on xfs"
    expect_contains "$line" "by copy 0" "no copies on xfs"
    diff <(tree_of "$LC_TMP/direct") <(tree_of "$mnt/y") >/dev/null || fail "xfs project differs from a direct unpack"
    pass "xfs reflink: second project placed by reflink ($line)"
    rewrite_check "$mnt/x" "$mnt/y" "$mnt/store"
    pass "an olean rewritten in place in project X leaves project Y and the store unchanged (reflink)"
  fi
fi

# 4. gc and clean account for the store.
export LEANCACHE_OUTPUT_STORE=on LEANCACHE_OUTPUT_STORE_DIR="$LC_TMP/store"
archive_bytes=$(du -cb "$MATHLIB_CACHE_DIR"/*.ltar | tail -1 | cut -f1)
out=$("$LEANCACHE" -C "$LC_TMP/b" gc --max-size=$((archive_bytes + 20000)) 2>&1) || fail "gc failed: $out"
expect_contains "$out" "output store: removed" "gc under a cap that leaves ~20 kB for the store"
left=$(entries "$LC_TMP/store")
[ "$left" -lt "$n" ] || fail "gc left all $left store entries"
pass "gc under a cap prunes the store to what the archives leave ($out)"
new_project "$LC_TMP/d"; get_ok "$LC_TMP/d"  # the store is filled again from the cached archives
expect_eq "$(entries "$LC_TMP/store")" "$n" "store entries after a get refilled it"
"$LEANCACHE" -C "$LC_TMP/b" clean! >/dev/null 2>&1 || fail "clean! failed"
expect_eq "$(entries "$LC_TMP/store")" "0" "store entries after clean! deleted every archive"
pass "clean! drops the store entries of the deleted archives"
