// Where the leancached socket lives — the same rule as the C++ client
// (proto/leancache/v1/endpoint.cc): $LEANCACHE_SOCKET, else
// $XDG_RUNTIME_DIR/leancache/leancached.sock, else /tmp/leancache-$UID/leancached.sock.
// Empty variables count as unset. Pure: the environment and uid are parameters.

export type Env = Record<string, string | undefined>;

export function resolveSocketPath(env: Env, uid: number): string {
  const explicit = env.LEANCACHE_SOCKET;
  if (explicit) return explicit;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime) return `${runtime}/leancache/leancached.sock`;
  return `/tmp/leancache-${uid}/leancached.sock`;
}

// gRPC target for a socket path (grpc-js understands "unix:" + absolute path).
export function grpcTarget(socketPath: string): string {
  return `unix:${socketPath}`;
}
