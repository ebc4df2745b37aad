// The VS Code side, kept thin: wiring only. Everything with logic — socket resolution, the
// gRPC client, status text, the get-imports command — lives in modules without `vscode`, which
// the tests exercise against a real daemon.
//
// Behaviour: a status bar item shows the cache state of the active Lean file (FileStatus),
// refreshed when the active editor changes and whenever the project's Watch stream reports a
// change for that file; the command 'leancache: get the imports of this file' runs Prefetch
// with progress in a notification and can be cancelled there. With leancache.prefetchOnOpen, an
// opened file whose imports are not cached gets them in the background (lower priority).

import * as os from 'os';
import * as vscode from 'vscode';
import { LeancacheClient, Cancellable } from './client';
import { findProjectRoot, makeInvocation } from './invocation';
import { resolveSocketPath } from './socket';
import { statusView, progressText } from './status_text';
import { startGetImports, BACKGROUND_PRIORITY } from './get_imports';

let client: LeancacheClient | null = null;
const watches = new Map<string, Cancellable>();  // project root -> Watch stream

function socketPath(): string {
  const configured = vscode.workspace.getConfiguration('leancache').get<string>('socket');
  return configured || resolveSocketPath(process.env, os.userInfo().uid);
}

function leanFile(editor: vscode.TextEditor | undefined): string | null {
  if (!editor || editor.document.uri.scheme !== 'file' || !editor.document.fileName.endsWith('.lean')) return null;
  return editor.document.fileName;
}

export function activate(context: vscode.ExtensionContext): void {
  client = new LeancacheClient(socketPath());
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  item.command = 'leancache.getImports';
  context.subscriptions.push(item);

  const refresh = async () => {
    const file = leanFile(vscode.window.activeTextEditor);
    const root = file ? findProjectRoot(file) : null;
    if (!file || !root || !client) {
      item.hide();
      return;
    }
    ensureWatch(root, refresh);
    try {
      const reply = await client.fileStatus(makeInvocation(root, process.env), [file]);
      const view = statusView(reply.files[0]);
      maybePrefetchOnOpen(file, reply.files[0].problem);
      item.text = view.text;
      item.tooltip = view.tooltip + (view.canFetch ? '\n\nClick: get the imports of this file' : '');
    } catch (err) {
      item.text = '$(debug-disconnect) leancache';
      item.tooltip = (err as Error).message;
    }
    item.show();
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    vscode.commands.registerCommand('leancache.refreshStatus', () => refresh()),
    vscode.commands.registerCommand('leancache.getImports', async () => {
      const file = leanFile(vscode.window.activeTextEditor);
      if (!file || !client) {
        void vscode.window.showWarningMessage('leancache: open a .lean file first');
        return;
      }
      const c = client;
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'leancache: getting the imports', cancellable: true },
        (progress, token) => {
          const run = startGetImports(c, file, process.env, (p) => progress.report({ message: progressText(p) }));
          token.onCancellationRequested(() => run.cancel());
          return run.outcome;
        });
      if (outcome.ok) void vscode.window.showInformationMessage(outcome.summary);
      else void vscode.window.showErrorMessage(outcome.summary);
      await refresh();
    }),
    { dispose: () => deactivate() },
  );
  void refresh();
}

// With leancache.prefetchOnOpen, a file whose imports may be missing gets them fetched in the
// background once per session, at a lower priority than the explicit command.
const prefetched = new Set<string>();
function maybePrefetchOnOpen(file: string, problem: string): void {
  if (!client || prefetched.has(file) || !vscode.workspace.getConfiguration('leancache').get<boolean>('prefetchOnOpen')) return;
  if (problem !== 'PROBLEM_NOT_CACHED' && problem !== 'PROBLEM_STALE') return;
  prefetched.add(file);
  void startGetImports(client, file, process.env, () => {}, BACKGROUND_PRIORITY).outcome;
}

// One Watch per project: any change to the active file's state refreshes the status bar.
function ensureWatch(root: string, refresh: () => Promise<void>): void {
  if (watches.has(root) || !client) return;
  const handle = client.watch(makeInvocation(root, process.env), (e) => {
    const active = leanFile(vscode.window.activeTextEditor);
    if (e.file && active && e.file.path === active) void refresh();
    if (e.progress && e.progress.phase === 'done') void refresh();
  }, () => watches.delete(root));
  watches.set(root, handle);
}

export function deactivate(): void {
  for (const w of watches.values()) w.cancel();
  watches.clear();
  client?.close();
  client = null;
}
