// The 'leancache: get the imports of this file' command without the editor around it: find
// the file's project, ask the daemon to prefetch the file's import closure (Prefetch RPC,
// leaves first), report progress, and summarise the outcome in one sentence.

import { LeancacheClient, PrefetchResult, Cancellable } from './client';
import { findProjectRoot, makeInvocation } from './invocation';
import { Env } from './socket';
import { Progress } from './protocol';

export interface GetImportsOutcome {
  ok: boolean;
  summary: string;      // for a notification
  result: PrefetchResult | null;
}

export const EDITOR_PRIORITY = 10;     // an explicit request outranks background prefetches
export const BACKGROUND_PRIORITY = 0;  // leancache.prefetchOnOpen

export function startGetImports(client: LeancacheClient, file: string, env: Env,
                                onProgress: (p: Progress) => void = () => {},
                                priority = EDITOR_PRIORITY): { outcome: Promise<GetImportsOutcome> } & Cancellable {
  const root = findProjectRoot(file);
  if (root === null) {
    return {
      outcome: Promise.resolve({ ok: false, summary: `${file} is not in a Lake project (no lake-manifest.json above it)`, result: null }),
      cancel: () => {},
    };
  }
  const call = client.prefetch(makeInvocation(root, env), [file], priority, (e) => {
    if (e.progress) onProgress(e.progress);
  });
  const outcome = call.result.then((result): GetImportsOutcome => {
    if (result.cancelled) return { ok: false, summary: 'leancache: cancelled', result };
    const s = result.summary as Record<string, number> | null;
    if (result.exitCode === 0) {
      const fetched = s ? `${s.downloaded} downloaded, ${s.unpacked} unpacked, ${s.modules} imports in all` : 'done';
      return { ok: true, summary: `leancache: imports ready (${fetched})`, result };
    }
    const last = result.messages.filter((m) => m.trim() !== '').slice(-1)[0] ?? `exit code ${result.exitCode}`;
    return { ok: false, summary: `leancache: getting the imports failed: ${last}`, result };
  }, (err: Error) => ({ ok: false, summary: err.message, result: null }));
  return { outcome, cancel: call.cancel };
}
