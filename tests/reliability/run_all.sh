#!/usr/bin/env bash
# run_all.sh: runs every part of the reliability suite and prints one figures table (Markdown,
# as in README's reliability section). RELIABILITY_MODE=ci runs the small counts; the per-part
# variables (CRASH_GET_TRIALS, ...) override the counts. Exit 1 if any part failed.
#
#   LEANCACHE_BINARY_DIR=build tests/reliability/run_all.sh            # full suite (~30 min)
#   RELIABILITY_MODE=ci LEANCACHE_BINARY_DIR=build tests/reliability/run_all.sh
#   tests/reliability/run_all.sh crash_get index_damage                # some parts only
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(crash_get crash_put client_kill network_faults disk_full index_damage)
logdir=${RELIABILITY_LOG_DIR:-$(mktemp -d /tmp/lc-reliability.XXXXXX)}
mkdir -p "$logdir"
status=0
declare -A figures seconds results
for part in "${parts[@]}"; do
  echo "== $part (log: $logdir/$part.log)" >&2
  start=$(date +%s)
  bash "$here/$part.sh" >"$logdir/$part.log" 2>&1
  rc=$?
  seconds[$part]=$(( $(date +%s) - start ))
  figures[$part]=$(grep '^FIGURES ' "$logdir/$part.log" | tail -1 | cut -d' ' -f3-)
  if [ "$rc" = 0 ]; then results[$part]=pass; else results[$part]=FAIL; status=1; fi
  echo "   ${results[$part]} in ${seconds[$part]} s: ${figures[$part]}" >&2
  [ "$rc" = 0 ] || tail -5 "$logdir/$part.log" >&2
done

# One table row per part: trials, what was done to it, what was found.
fig() { tr ' ' '\n' <<<"${figures[$1]}" | sed -n "s/^$2=//p"; }
echo
echo "| part | trials | faults applied | corrupt entries | failed trials | other figures | result |"
echo "|---|---:|---|---:|---:|---|---|"
for part in "${parts[@]}"; do
  case "$part" in
    crash_get|crash_put)
      applied="$(fig "$part" kill_points) kill -9 mid-command ($(fig "$part" finished_before_kill) finished first)"
      other="next command failed: $(fig "$part" next_command_failed)"
      [ "$part" = crash_get ] && other="$other; unpack temp files left in the project: $(fig "$part" project_temp_files_left)" ;;
    client_kill)
      applied="kill -9 of the client mid-get"
      other="clean cancels: $(fig "$part" clean_cancels); still active after 5 s: $(fig "$part" still_active_after_5s)" ;;
    network_faults)
      applied="$(fig "$part" faults_injected) faults in $(fig "$part" requests) requests (5xx $(fig "$part" status_5xx), reset $(fig "$part" reset), truncated $(fig "$part" truncate), short body $(fig "$part" short_body), stall $(fig "$part" stall), trickle $(fig "$part" trickle), closed $(fig "$part" close))"
      other="gets exit 0: $(fig "$part" gets_ok) ($(fig "$part" transient_trials_ok) of the transient-only trials), exit 1: $(fig "$part" gets_exit1), wrong exit: $(fig "$part" wrong_exit); max requests per archive: $(fig "$part" max_requests_per_archive); unreachable source ($(fig "$part" hard_trials) × .invalid / refused / untrusted TLS / proxy down, $(fig "$part" hard_archives) archives): exit 1 within $(fig "$part" unresolvable_max_s) / $(fig "$part" refused_max_s) / $(fig "$part" tls_max_s) / $(fig "$part" proxy_down_max_s) s, failed: $(fig "$part" hard_failed)" ;;
    disk_full)
      if [ "$(fig "$part" skipped)" = 1 ]; then applied="skipped (no tmpfs mount)"; other=""; else
      applied="tmpfs CACHEDIR / project .lake at 10–90% of the need"
      other="ENOSPC reported with path: $(fig "$part" enospc_reported); temp files left: $(fig "$part" temp_files_left); sound archives dropped: $(fig "$part" archives_dropped); completed after freeing space: $(fig "$part" recovered_after_freeing)"; fi ;;
    index_damage)
      applied="LMDB deleted / truncated / zeroed / garbage / scribbled"
      other="warned + rebuilt: $(fig "$part" warned_and_rebuilt); re-indexed from the blob dir: $(fig "$part" rescanned_blob_dir); undetected but harmless: $(fig "$part" damage_undetected_but_harmless); re-downloads: $(fig "$part" redownloads)" ;;
    *) applied=""; other="${figures[$part]}" ;;
  esac
  echo "| $part | $(fig "$part" trials) | $applied | $(fig "$part" corrupt) | $(fig "$part" failed_trials) | $other | ${results[$part]} (${seconds[$part]} s) |"
done
exit $status
