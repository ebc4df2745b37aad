#!/usr/bin/env bash
# The reliability suite (tests/reliability/) with small counts and small fixtures, so ctest
# exercises every part: daemon kill -9 mid-get and mid-put, client kill mid-get, random network
# faults through the fault proxy, disk full on tmpfs (skipped without mount permission), and a
# deleted/damaged LMDB index. The full counts are run by hand with tests/reliability/run_all.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export RELIABILITY_MODE=ci
export CRASH_GET_MODULES=30 CRASH_PUT_MODULES=20 CLIENT_KILL_MODULES=20
export NETWORK_FAULTS_MODULES=40 DISK_FULL_MODULES=20 INDEX_DAMAGE_MODULES=20
export RELIABILITY_LOG_DIR=$(mktemp -d /tmp/lc-rel-smoke.XXXXXX)
trap 'rm -rf "$RELIABILITY_LOG_DIR"' EXIT
CRASH_GET_TRIALS=1 CRASH_PUT_TRIALS=2 CLIENT_KILL_TRIALS=1 NETWORK_FAULTS_TRIALS=1 \
  DISK_FULL_TRIALS=1 INDEX_DAMAGE_TRIALS=5 bash "$here/../reliability/run_all.sh" || {
  for f in "$RELIABILITY_LOG_DIR"/*.log; do echo "--- $f"; grep -E 'FAIL|^FIGURES' "$f" | head -20; done
  exit 1
}
echo "reliability smoke: all parts passed"
