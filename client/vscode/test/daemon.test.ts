// The extension's client against a real leancached (started by tests/integration/vscode_test.sh
// on a temp socket, with a generated workspace, an nginx mirror and a slow fault server):
// FileStatus, Watch (an edit seen within one second), the get-imports command (Prefetch) with
// leaves-first order, cancellation, priority between concurrent prefetches, and error paths.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LeancacheClient, findProto, extensionRoot } from '../src/client';
import { makeInvocation } from '../src/invocation';
import { resolveSocketPath } from '../src/socket';
import { startGetImports } from '../src/get_imports';
import { Event, WatchEvent } from '../src/protocol';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this test through tests/integration/vscode_test.sh`);
  return v;
}

const project = need('LC_TEST_PROJECT');
const target = need('LC_TEST_TARGET');
const closureSize = Number(need('LC_TEST_CLOSURE'));        // modules in `hash TARGET`, target included
const slowUrl = need('LC_TEST_SLOW_URL');
const nginxLog = need('LC_TEST_NGINX_LOG');
const keys = new Map(fs.readFileSync(need('LC_TEST_KEYS'), 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]));
// A module's source: in the project, else in one of its packages (.lake/packages/*).
const packageDirs = [project, ...(fs.existsSync(path.join(project, '.lake', 'packages'))
  ? fs.readdirSync(path.join(project, '.lake', 'packages')).map((d) => path.join(project, '.lake', 'packages', d)) : [])];
const fileOf = (module: string) => {
  const rel = path.join(...module.split('.')) + '.lean';
  return packageDirs.map((d) => path.join(d, rel)).find((f) => fs.existsSync(f)) ?? path.join(project, rel);
};
const socket = resolveSocketPath(process.env, process.getuid ? process.getuid() : 0);
const client = new LeancacheClient(socket, findProto(extensionRoot()));
after(() => client.close());

const inv = (env: Record<string, string | undefined> = process.env) => makeInvocation(project, env);

// The import closure of `module` (by reading `import` lines, as the fixture writes them).
function importsOf(module: string): string[] {
  const text = fs.readFileSync(fileOf(module), 'utf8');
  return [...text.matchAll(/^import (\S+)/gm)].map((m) => m[1]).filter((m) => keys.has(m));
}
function heights(root: string): Map<string, number> {
  const h = new Map<string, number>();
  const visit = (m: string): number => {
    if (h.has(m)) return h.get(m)!;
    const v = importsOf(m).reduce((acc, i) => Math.max(acc, visit(i) + 1), 0);
    h.set(m, v);
    return v;
  };
  visit(root);
  return h;
}

test('the daemon answers on the resolved socket', async () => {
  await client.waitReady(5000);
});

test('FileStatus: an uncached file has its key and PROBLEM_NOT_CACHED; errors are clear', async () => {
  const t0 = performance.now();
  const reply = await client.fileStatus(inv(), [fileOf(target), 'Mathlib/Nope.lean']);
  console.log(`FileStatus round trip: ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(reply.files.length, 2);
  const [f, nope] = reply.files;
  assert.equal(f.module, target);
  assert.equal(f.hash16, keys.get(target));
  assert.equal(f.problem, 'PROBLEM_NOT_CACHED');
  assert.equal(f.archive_local, false);
  assert.equal(nope.problem, 'PROBLEM_NOT_IN_PROJECT');
  assert.match(nope.reason, /Mathlib\/Nope\.lean does not exist/);
  await assert.rejects(client.fileStatus(makeInvocation('/no/such/project', process.env), ['A.lean']),
    /FileStatus failed: project directory does not exist: \/no\/such\/project/);
  const remote = await client.fileStatus(inv(), [fileOf(target)], true);
  assert.equal(remote.files[0].remote, 'REMOTE_PRESENT');
  assert.equal(remote.files[0].problem, 'PROBLEM_NONE');
});

test('a client on a socket without a daemon fails with a clear message', async () => {
  const dead = new LeancacheClient('/nonexistent/leancached.sock', findProto(extensionRoot()));
  await assert.rejects(dead.waitReady(300), /leancached is not answering/);
  await assert.rejects(dead.fileStatus(inv(), ['x.lean']), /FileStatus failed/);
  dead.close();
});

test('Watch: ready first, then an edit is reported within one second', async () => {
  const events: WatchEvent[] = [];
  let onEvent: () => void = () => {};
  const handle = client.watch(inv(), (e) => { events.push(e); onEvent(); });
  const waitFor = (pred: (e: WatchEvent) => boolean, ms: number) => new Promise<WatchEvent>((resolve, reject) => {
    const check = () => { const hit = events.find(pred); if (hit) { resolve(hit); return true; } return false; };
    if (check()) return;
    const timer = setTimeout(() => reject(new Error(`no matching Watch event within ${ms} ms`)), ms);
    onEvent = () => { if (check()) clearTimeout(timer); };
  });
  try {
    const ready = await waitFor((e) => e.kind === 'ready', 10000);
    assert.equal(ready.ready, project);
    const file = fileOf(target);
    const original = fs.readFileSync(file);
    const t0 = performance.now();
    fs.appendFileSync(file, '\n-- edited by the vscode test\n');
    try {
      const seen = await waitFor((e) => e.kind === 'file' && e.file!.module === target, 5000);
      const latency = performance.now() - t0;
      console.log(`Watch latency (edit -> event): ${latency.toFixed(0)} ms`);
      assert.ok(latency < 1000, `Watch took ${latency} ms`);
      assert.notEqual(seen.file!.hash16, keys.get(target));
      assert.equal(seen.file!.path, file);
    } finally {
      fs.writeFileSync(file, original);
    }
    await waitFor((e) => e.kind === 'file' && e.file!.module === target && e.file!.hash16 === keys.get(target), 5000);
  } finally {
    handle.cancel();
  }
});

test('get the imports of this file: the closure arrives leaves first and is then cached', async () => {
  const progress: string[] = [];
  const run = startGetImports(client, fileOf(target), process.env, (p) => progress.push(p.phase));
  const outcome = await run.outcome;
  assert.ok(outcome.ok, outcome.summary);
  const s = outcome.result!.summary as Record<string, number>;
  assert.equal(s.modules, closureSize - 1, 'the file itself is not fetched');
  assert.equal(s.downloaded, closureSize - 1);
  assert.equal(s.unpacked, closureSize - 1);
  assert.match(outcome.summary, /imports ready/);
  assert.ok(outcome.result!.messages.some((m) => /Prefetching the imports of .*leaves first/.test(m)));
  // Every import is now cached and unpacked; the file itself is not.
  const h = heights(target);
  const imports = [...h.keys()].filter((m) => m !== target);
  const reply = await client.fileStatus(inv(), imports);
  for (const f of reply.files) assert.equal(f.problem, 'PROBLEM_NONE', `${f.module}: ${f.reason}`);
  const self = await client.fileStatus(inv(), [fileOf(target)]);
  assert.equal(self.files[0].problem, 'PROBLEM_NOT_CACHED');
  // Leaves first: in nginx's log the modules without imports come, on average, before the
  // highest ones (requests are queued in order; a few run concurrently).
  const byKey = new Map([...keys].map(([m, k]) => [k, m]));
  const served = fs.readFileSync(nginxLog, 'utf8').split('\n')
    .map((l) => /GET \/f\/([0-9a-f]{16})\.ltar/.exec(l)?.[1]).filter((k): k is string => !!k)
    .map((k) => byKey.get(k)!).filter((m) => h.has(m));
  assert.equal(served.length, imports.length);
  const rank = (pred: (m: string) => boolean) => {
    const r = served.map((m, i) => [m, i] as const).filter(([m]) => pred(m)).map(([, i]) => i);
    return r.reduce((a, b) => a + b, 0) / r.length;
  };
  const maxH = Math.max(...imports.map((m) => h.get(m)!));
  assert.ok(rank((m) => h.get(m) === 0) < rank((m) => h.get(m) === maxH),
    `leaves should come first: ${served.map((m) => h.get(m)).join(',')}`);
});

// Prefetch through the slow server (every archive delayed) into an empty cache.
function slowEnv(cache: string): Record<string, string | undefined> {
  return { ...process.env, MATHLIB_CACHE_GET_URL: slowUrl, MATHLIB_CACHE_DIR: cache };
}

test('Prefetch is cancellable while downloading', { timeout: 30000 }, async () => {
  const cache = fs.mkdtempSync(path.join(path.dirname(project), 'slow-cache-'));
  const messages: string[] = [];
  let attempting: () => void = () => {};
  const started = new Promise<void>((r) => { attempting = r; });
  const call = client.prefetch(inv(slowEnv(cache)), [target], 0, (e: Event) => {
    if (e.message) { messages.push(e.message.text); if (/Attempting to download/.test(e.message.text)) attempting(); }
  });
  await started;
  const t0 = performance.now();
  call.cancel();
  const result = await call.result;
  const ms = performance.now() - t0;
  console.log(`Prefetch cancel took ${ms.toFixed(0)} ms`);
  assert.equal(result.cancelled, true);
  assert.equal(result.exitCode, 130);
  assert.ok(ms < 2000);
  // The daemon dropped the transfers: no partial files stay behind, not everything arrived.
  // Every archive is delayed 4 s by the server: had the transfers gone on, they would have
  // arrived by now.
  await new Promise((r) => setTimeout(r, 5000));
  const left = fs.readdirSync(cache);
  assert.ok(!left.some((f) => f.endsWith('.part')), left.join(' '));
  assert.equal(left.filter((f) => f.endsWith('.ltar')).length, 0, left.join(' '));
});

test('concurrent prefetches: one runs, the others wait, higher priority goes next', async () => {
  const cache = fs.mkdtempSync(path.join(path.dirname(project), 'slow-cache-'));
  const order: string[] = [];
  const waiting: string[] = [];
  const start = (name: string, priority: number) => client.prefetch(inv(slowEnv(cache)), [target], priority, (e) => {
    if (!e.message) return;
    if (/Attempting to download/.test(e.message.text)) order.push(name);
    if (/Waiting for \d+ other prefetch/.test(e.message.text)) waiting.push(name);
  });
  const until = async (cond: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(cond(), what);
  };
  const a = start('first', 0);
  await until(() => order.includes('first'), 'first prefetch started');
  const low = start('low', 1);
  await until(() => waiting.includes('low'), 'low waits');
  const high = start('high', 7);
  await until(() => waiting.includes('high'), 'high waits');
  a.cancel();
  await a.result;
  await until(() => order.length === 2, 'a second prefetch started');
  assert.deepEqual(order, ['first', 'high']);
  high.cancel();
  await high.result;
  await until(() => order.length === 3, 'the last prefetch started');
  assert.deepEqual(order, ['first', 'high', 'low']);
  low.cancel();
  const r = await low.result;
  assert.equal(r.cancelled, true);
});

test('Prefetch of a file outside the project fails with the get-style message', async () => {
  const call = client.prefetch(inv(), ['/no/such/file.lean'], 0);
  const r = await call.result;
  assert.equal(r.exitCode, 1);
  assert.ok(r.messages.some((m) => /non-existing path/.test(m)), r.messages.join('\n'));
});
