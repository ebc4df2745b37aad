// What the status bar shows for the current file's FileState: a short text with a codicon, a
// tooltip with the details, and whether "get the imports" would help.

import { FileState } from './protocol';

export interface StatusView {
  text: string;
  tooltip: string;
  canFetch: boolean;   // the file's imports may be fetchable: offer the get-imports command
}

const LABELS: Record<string, [string, string]> = {
  PROBLEM_NONE: ['$(check)', 'cached'],
  PROBLEM_NOT_IN_PROJECT: ['$(circle-slash)', 'not in project'],
  PROBLEM_PARSE_ERROR: ['$(error)', 'header error'],
  PROBLEM_MISSING_IMPORT: ['$(warning)', 'missing import'],
  PROBLEM_TOOLCHAIN_MISMATCH: ['$(warning)', 'toolchain mismatch'],
  PROBLEM_NOT_CACHED: ['$(cloud-download)', 'not cached'],
  PROBLEM_STALE: ['$(sync)', 'stale'],
};

export function statusView(state: FileState): StatusView {
  let [icon, label] = LABELS[state.problem] ?? ['$(question)', state.problem];
  if (state.problem === 'PROBLEM_NONE' && !state.archive_local) label = 'on the server';
  const lines = [`leancache: ${state.module || state.path}`];
  if (state.hash16) lines.push(`key ${state.hash16}`);
  lines.push(`archive ${state.archive_local ? 'in the local cache' : 'not in the local cache'}`);
  lines.push(`build outputs ${state.unpacked ? 'unpacked and current' : 'not unpacked for this tree'}`);
  if (state.remote === 'REMOTE_PRESENT') lines.push('remote: has the archive');
  if (state.remote === 'REMOTE_MISSING') lines.push('remote: does not have the archive');
  if (state.reason) lines.push(state.reason);
  const canFetch = ['PROBLEM_NOT_CACHED', 'PROBLEM_STALE', 'PROBLEM_NONE'].includes(state.problem);
  return { text: `${icon} leancache: ${label}`, tooltip: lines.join('\n'), canFetch };
}

// One line for a Prefetch progress event, e.g. "leancache: 12/40 archives, 10 unpacked".
export function progressText(p: { phase: string; files_done: string; files_total: string; unpacked: string }): string {
  return `leancache: ${p.phase} ${p.files_done}/${p.files_total} archives, ${p.unpacked} unpacked`;
}
