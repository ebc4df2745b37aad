// Unit tests of the vscode-free modules that need no daemon: socket rule, invocation, status text.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveSocketPath, grpcTarget } from '../src/socket';
import { findProjectRoot, forwarded, makeInvocation } from '../src/invocation';
import { statusView, progressText } from '../src/status_text';
import { FileState } from '../src/protocol';

test('socket path follows endpoint.cc: LEANCACHE_SOCKET, XDG_RUNTIME_DIR, /tmp/leancache-UID', () => {
  assert.equal(resolveSocketPath({ LEANCACHE_SOCKET: '/s/x.sock', XDG_RUNTIME_DIR: '/run/user/5' }, 5), '/s/x.sock');
  assert.equal(resolveSocketPath({ XDG_RUNTIME_DIR: '/run/user/5' }, 5), '/run/user/5/leancache/leancached.sock');
  assert.equal(resolveSocketPath({ LEANCACHE_SOCKET: '', XDG_RUNTIME_DIR: '' }, 1000), '/tmp/leancache-1000/leancached.sock');
  assert.equal(grpcTarget('/a/b.sock'), 'unix:/a/b.sock');
});

test('invocation forwards only the variables the C++ client forwards', () => {
  const inv = makeInvocation('/p', { MATHLIB_CACHE_DIR: '/c', LEAN_SRC_PATH: '.', HOME: '/h', PATH: '/bin',
    SECRET_TOKEN: 'x', LEANCACHE_SOCKET: '/s', TERM: 'xterm', undefinedVar: undefined }, '/p/sub');
  assert.deepEqual(Object.keys(inv.env).sort(), ['HOME', 'LEANCACHE_SOCKET', 'LEAN_SRC_PATH', 'MATHLIB_CACHE_DIR', 'TERM']);
  assert.equal(inv.project_root, '/p');
  assert.equal(inv.client_cwd, '/p/sub');
  assert.ok(forwarded('MATHLIB_CACHE_GET_URL') && !forwarded('AWS_SECRET_ACCESS_KEY'));
  assert.ok(forwarded('https_proxy') && forwarded('SSL_CERT_FILE') && !forwarded('HTTP_PROXY'));
});

test('project root is the nearest directory with lake-manifest.json', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-vsc-'));
  try {
    fs.mkdirSync(path.join(dir, 'proj', 'A', 'B'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'proj', 'lake-manifest.json'), '{}');
    fs.writeFileSync(path.join(dir, 'proj', 'A', 'lakefile.lean'), '');
    assert.equal(findProjectRoot(path.join(dir, 'proj', 'A', 'B', 'C.lean')), path.join(dir, 'proj'));
    fs.mkdirSync(path.join(dir, 'loose'));
    fs.writeFileSync(path.join(dir, 'loose', 'lakefile.toml'), '');
    assert.equal(findProjectRoot(path.join(dir, 'loose', 'X.lean')), path.join(dir, 'loose'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function state(problem: FileState['problem'], extra: Partial<FileState> = {}): FileState {
  return { path: '/p/A.lean', module: 'Mathlib.A', key: '1', hash16: '0000000000000001', archive_local: false,
    unpacked: false, remote: 'REMOTE_UNKNOWN', problem, reason: '', ...extra };
}

test('status bar text for every problem', () => {
  const cases: [FileState, string, boolean][] = [
    [state('PROBLEM_NONE', { archive_local: true, unpacked: true }), '$(check) leancache: cached', true],
    [state('PROBLEM_NONE', { remote: 'REMOTE_PRESENT' }), '$(check) leancache: on the server', true],
    [state('PROBLEM_NOT_IN_PROJECT'), '$(circle-slash) leancache: not in project', false],
    [state('PROBLEM_PARSE_ERROR'), '$(error) leancache: header error', false],
    [state('PROBLEM_MISSING_IMPORT'), '$(warning) leancache: missing import', false],
    [state('PROBLEM_TOOLCHAIN_MISMATCH'), '$(warning) leancache: toolchain mismatch', false],
    [state('PROBLEM_NOT_CACHED'), '$(cloud-download) leancache: not cached', true],
    [state('PROBLEM_STALE', { archive_local: true }), '$(sync) leancache: stale', true],
  ];
  for (const [s, text, canFetch] of cases) {
    const v = statusView(s);
    assert.equal(v.text, text);
    assert.equal(v.canFetch, canFetch, s.problem);
    assert.match(v.tooltip, /key 0000000000000001/);
  }
  const withReason = statusView(state('PROBLEM_MISSING_IMPORT', { reason: 'imports X, whose file ./X.lean does not exist' }));
  assert.match(withReason.tooltip, /whose file \.\/X\.lean does not exist/);
  assert.equal(progressText({ phase: 'download', files_done: '3', files_total: '9', unpacked: '2' }),
    'leancache: download 3/9 archives, 2 unpacked');
});
