// The Invocation message an editor sends: the project root, its working directory, and the
// environment variables the daemon acts on (it never uses its own environment for a request).
// Mirrors client/cli/invocation.cc's forwarding rule for the variables an editor can have.

import * as fs from 'fs';
import * as path from 'path';
import { Env } from './socket';

export interface Invocation {
  project_root: string;
  env: Record<string, string>;
  args: string[];
  options: Record<string, string>;
  json: boolean;
  client_cwd: string;
}

// True for variables the daemon needs (the C++ client's cli::Forwarded rule): MATHLIB_*, LEAN_*,
// LEANCACHE_*, and XDG_CACHE_HOME, XDG_CONFIG_HOME, HOME, HOMEDRIVE, HOMEPATH, TERM,
// RCLONE_S3_PROVIDER, and the proxy and CA variables curl honours.
const FORWARDED_NAMES = new Set(['XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'HOME', 'HOMEDRIVE', 'HOMEPATH', 'TERM',
  'RCLONE_S3_PROVIDER', 'http_proxy', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy',
  'NO_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE']);
export function forwarded(name: string): boolean {
  return ['MATHLIB_', 'LEAN_', 'LEANCACHE_'].some((p) => name.startsWith(p)) || FORWARDED_NAMES.has(name);
}

export function makeInvocation(projectRoot: string, env: Env, cwd: string = projectRoot): Invocation {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && forwarded(k)) out[k] = v;
  }
  return { project_root: projectRoot, env: out, args: [], options: {}, json: false, client_cwd: cwd };
}

// The Lake project a file belongs to: the nearest ancestor directory holding lake-manifest.json
// (or, failing that, a lakefile). Null when there is none.
export function findProjectRoot(file: string): string | null {
  let dir = path.dirname(path.resolve(file));
  let lakefileDir: string | null = null;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'lake-manifest.json'))) return dir;
    if (lakefileDir === null &&
        (fs.existsSync(path.join(dir, 'lakefile.lean')) || fs.existsSync(path.join(dir, 'lakefile.toml')))) {
      lakefileDir = dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return lakefileDir;
    dir = parent;
  }
}
