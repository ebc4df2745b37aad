// A small promise/callback client for the leancached editor API (FileStatus, Watch, Prefetch)
// over the daemon's Unix socket. No vscode dependency: the extension and the tests share it.
//
// The proto is loaded at run time with @grpc/proto-loader from, in order: $LEANCACHE_PROTO,
// <extension>/proto/leancache/v1/cache.proto (a packaged copy), and the repository's
// ../../proto/leancache/v1/cache.proto. Longs arrive as decimal strings and enums as names.

import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { grpcTarget } from './socket';
import { Invocation } from './invocation';
import { Event, FileStatusReply, WatchEvent } from './protocol';

export function findProto(extensionRoot: string, env: Record<string, string | undefined> = process.env): string {
  const candidates = [
    env.LEANCACHE_PROTO,
    path.join(extensionRoot, 'proto', 'leancache', 'v1', 'cache.proto'),
    path.join(extensionRoot, '..', '..', 'proto', 'leancache', 'v1', 'cache.proto'),
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return c;
  }
  throw new Error(`leancache: cache.proto not found (looked at ${candidates.filter(Boolean).join(', ')})`);
}

// The directory holding package.json (this file is out/src/client.js or src/client.ts).
export function extensionRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

// A call that can be cancelled (Watch, Prefetch).
export interface Cancellable {
  cancel(): void;
}

export interface PrefetchResult {
  exitCode: number;          // Done.exit_code; 130 when cancelled
  summary: Record<string, unknown> | null;
  messages: string[];        // stdout/stderr lines, in order
  cancelled: boolean;
}

type Stub = grpc.Client & Record<string, any>;

export class LeancacheClient {
  private readonly stub: Stub;

  // Opens a channel to the daemon at `socketPath` (no connection is made until the first call).
  constructor(socketPath: string, protoPath: string = findProto(extensionRoot())) {
    const def = protoLoader.loadSync(protoPath, {
      keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
    });
    const pkg = grpc.loadPackageDefinition(def) as any;
    const Cache = pkg.leancache.v1.Cache as grpc.ServiceClientConstructor;
    this.stub = new Cache(grpcTarget(socketPath), grpc.credentials.createInsecure()) as Stub;
  }

  close(): void {
    this.stub.close();
  }

  // Resolves once the daemon answers (or rejects after `timeoutMs` with a message naming the socket).
  waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stub.waitForReady(Date.now() + timeoutMs, (err?: Error) => {
        if (err) reject(new Error(`leancached is not answering (${err.message})`));
        else resolve();
      });
    });
  }

  // FileStatus: one state per path, in order. Rejects with the daemon's message on errors.
  fileStatus(invocation: Invocation, paths: string[], checkRemote = false): Promise<FileStatusReply> {
    return new Promise((resolve, reject) => {
      this.stub.FileStatus({ invocation, paths, check_remote: checkRemote },
        (err: grpc.ServiceError | null, reply: FileStatusReply) => {
          if (err) reject(new Error(`FileStatus failed: ${err.details || err.message}`));
          else resolve(reply);
        });
    });
  }

  // Watch: `onEvent` for each event (the first is kind "ready"); `onEnd` once when the stream
  // ends (error null when it ended normally or was cancelled through the returned handle).
  watch(invocation: Invocation, onEvent: (e: WatchEvent) => void,
        onEnd: (error: Error | null) => void = () => {}): Cancellable {
    const call = this.stub.Watch({ invocation });
    let cancelled = false;
    let ended = false;
    const end = (error: Error | null) => {
      if (!ended) {
        ended = true;
        onEnd(error);
      }
    };
    call.on('data', (e: WatchEvent) => onEvent(e));
    call.on('error', (err: grpc.ServiceError) => {
      end(cancelled || err.code === grpc.status.CANCELLED ? null : new Error(`Watch failed: ${err.details || err.message}`));
    });
    call.on('end', () => end(null));
    return { cancel: () => { cancelled = true; call.cancel(); } };
  }

  // Prefetch: the returned promise resolves with the Done event's exit code (130 and
  // cancelled=true when cancelled); `onEvent` sees every event (messages, progress, done).
  prefetch(invocation: Invocation, modules: string[], priority: number,
           onEvent: (e: Event) => void = () => {}): { result: Promise<PrefetchResult> } & Cancellable {
    const call = this.stub.Prefetch({ invocation, modules, priority });
    let cancelled = false;
    const result = new Promise<PrefetchResult>((resolve, reject) => {
      const out: PrefetchResult = { exitCode: -1, summary: null, messages: [], cancelled: false };
      call.on('data', (e: Event) => {
        if (e.message) out.messages.push(e.message.text);
        if (e.done) {
          out.exitCode = e.done.exit_code;
          if (e.done.summary_json) {
            try { out.summary = JSON.parse(e.done.summary_json); } catch { out.summary = null; }
          }
        }
        onEvent(e);
      });
      const finish = () => {
        out.cancelled = cancelled;
        if (cancelled && out.exitCode === -1) out.exitCode = 130;
        resolve(out);
      };
      call.on('error', (err: grpc.ServiceError) => {
        if (cancelled || err.code === grpc.status.CANCELLED) finish();
        else reject(new Error(`Prefetch failed: ${err.details || err.message}`));
      });
      call.on('end', finish);
    });
    return { result, cancel: () => { cancelled = true; call.cancel(); } };
  }
}
