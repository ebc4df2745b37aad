#!/usr/bin/python3
"""faultproxy.py -- loopback HTTP/1.1 reverse proxy that injects random network faults.

Usage:
  /usr/bin/python3 faultproxy.py --upstream 127.0.0.1:PORT [--port 0] [--port-file PATH]
                                 [--seed N] [--faults JSON] [--max-seconds 3600]
                                 [--latency-ms 0]

Sits between a client (leancached) and a real server (nginx). Every request is forwarded to the
upstream over a fresh connection and the whole reply is read; then ONE fault is drawn at random
(seeded, reproducible for one request order) and applied to the reply the client sees:

  pass       the reply unchanged (keep-alive kept)
  status     a 5xx (500, 502, 503 or 504, drawn) with a short body, upstream reply dropped
  reset      headers + a random prefix of the body, then TCP RST
  truncate   headers (true Content-Length) + a random prefix of the body, then FIN
  short      Content-Length rewritten to a random shorter length, that many body bytes, then
             FIN: a body that looks complete but is cut (what a broken cache/CDN does)
  stall      headers + a random prefix, then silence until the client gives up (or
             --stall-seconds pass, then FIN)
  trickle    the whole reply at --trickle-rate bytes/s (slow but correct)
  close      the connection is closed without any reply

--faults is a JSON object of probabilities per kind, e.g.
  {"status":0.05,"reset":0.05,"truncate":0.05,"short":0.02,"stall":0.01,"trickle":0.03,"close":0.02}
(the remainder is "pass"). Only replies to GET/HEAD/PUT of paths not starting with /_proxy/ are
subject to faults; with "methods": ["GET"] in the JSON only those methods are.

--latency-ms N delays every proxied request by N ms before it is forwarded (a far-away server;
also settable as "latency_ms" in the --faults JSON or by PUT /_proxy/faults).

Control (answered by the proxy itself):
  GET  /_proxy/stats     {"requests": n, "faults": {kind: n}, "hits": {path: n},
                          "max_hits": n, "bytes_forwarded": n}
  POST /_proxy/reset     clear statistics
  PUT  /_proxy/faults    replace the probability object (body JSON)
Once listening it prints `PORT <n>` and writes the port to --port-file (temp + rename).
"""
import argparse
import asyncio
import json
import os
import random
import socket
import struct
import sys
import time

KINDS = ["status", "reset", "truncate", "short", "stall", "trickle", "close"]


class Proxy:
    def __init__(self, upstream, seed, faults, stall_seconds, trickle_rate, latency_ms=0):
        host, port = upstream.rsplit(":", 1)
        self.up_host, self.up_port = host, int(port)
        self.rng = random.Random(seed)
        self.faults = faults
        self.stall_seconds = stall_seconds
        self.trickle_rate = trickle_rate
        self.latency_ms = latency_ms
        self.reset_stats()

    def reset_stats(self):
        self.requests = 0
        self.counts = {k: 0 for k in ["pass"] + KINDS}
        self.hits = {}
        self.bytes_forwarded = 0

    def stats(self):
        return {"requests": self.requests, "faults": self.counts, "hits": self.hits,
                "max_hits": max(self.hits.values()) if self.hits else 0,
                "bytes_forwarded": self.bytes_forwarded}

    def draw(self, method):
        methods = self.faults.get("methods")
        if methods and method not in methods:
            return "pass"
        x = self.rng.random()
        acc = 0.0
        for k in KINDS:
            acc += float(self.faults.get(k, 0.0))
            if x < acc:
                return k
        return "pass"

    # ---- HTTP plumbing -----------------------------------------------------------------
    @staticmethod
    async def read_head(reader):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        return head

    @staticmethod
    def parse_headers(head):
        lines = head.decode("latin-1").split("\r\n")
        first = lines[0]
        headers = []
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        return first, headers

    @staticmethod
    def header(headers, name):
        for k, v in headers:
            if k.lower() == name:
                return v
        return None

    async def read_body(self, reader, headers):
        te = self.header(headers, "transfer-encoding")
        if te and te.lower() == "chunked":
            data = bytearray()
            while True:
                line = await reader.readline()
                n = int(line.strip().split(b";")[0], 16)
                if n == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += await reader.readexactly(n)
                await reader.readline()
        n = int(self.header(headers, "content-length") or 0)
        return await reader.readexactly(n) if n else b""

    async def forward(self, method, target, headers, body):
        """Sends the request upstream on a new connection; returns (status_line, headers, body)."""
        r, w = await asyncio.open_connection(self.up_host, self.up_port)
        try:
            out = ["%s %s HTTP/1.1" % (method, target)]
            for k, v in headers:
                if k.lower() in ("connection", "transfer-encoding", "content-length", "keep-alive",
                                 "expect"):
                    continue
                out.append("%s: %s" % (k, v))
            out.append("Content-Length: %d" % len(body))
            out.append("Connection: close")
            w.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
            await w.drain()
            head = await self.read_head(r)
            if head is None:
                raise ConnectionError("upstream closed without a reply")
            status, rheaders = self.parse_headers(head)
            if method == "HEAD":
                rbody = b""
            elif self.header(rheaders, "content-length") is not None or \
                    (self.header(rheaders, "transfer-encoding") or "").lower() == "chunked":
                rbody = await self.read_body(r, rheaders)
            else:
                rbody = await r.read()
            return status, rheaders, rbody
        finally:
            w.close()

    @staticmethod
    def render_head(status, headers, length=None):
        out = [status]
        for k, v in headers:
            if k.lower() in ("connection", "transfer-encoding", "content-length", "keep-alive"):
                continue
            out.append("%s: %s" % (k, v))
        if length is not None:
            out.append("Content-Length: %d" % length)
        return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")

    @staticmethod
    def rst(writer):
        sock = writer.get_extra_info("socket")
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        writer.close()

    async def admin(self, method, path, body, writer):
        if path == "/_proxy/stats":
            payload = json.dumps(self.stats(), sort_keys=True).encode()
        elif path == "/_proxy/reset" and method == "POST":
            self.reset_stats()
            payload = b'{"ok":true}'
        elif path == "/_proxy/faults" and method in ("PUT", "POST"):
            self.faults = json.loads(body.decode() or "{}")
            payload = b'{"ok":true}'
        else:
            payload = b'{"error":"unknown"}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                     % len(payload) + payload)
        await writer.drain()

    async def client(self, reader, writer):
        try:
            while True:
                head = await self.read_head(reader)
                if head is None:
                    return
                first, headers = self.parse_headers(head)
                parts = first.split(" ")
                if len(parts) < 3:
                    return
                method, target = parts[0], parts[1]
                body = await self.read_body(reader, headers)
                path = target.split("?", 1)[0]
                if path.startswith("/_proxy/"):
                    await self.admin(method, path, body, writer)
                    continue
                self.requests += 1
                self.hits[path] = self.hits.get(path, 0) + 1
                latency = float(self.faults.get("latency_ms", self.latency_ms))
                if latency > 0:
                    await asyncio.sleep(latency / 1000.0)
                kind = self.draw(method)
                self.counts[kind] += 1
                if kind == "close":
                    writer.close()
                    return
                if kind == "status":
                    code = self.rng.choice([500, 502, 503, 504])
                    msg = b"injected fault %d\n" % code
                    writer.write(b"HTTP/1.1 %d Fault\r\nContent-Length: %d\r\n\r\n" % (code, len(msg)) + msg)
                    await writer.drain()
                    continue
                try:
                    status, rheaders, rbody = await self.forward(method, target, headers, body)
                except (OSError, ConnectionError, asyncio.IncompleteReadError) as e:
                    msg = ("upstream error: %s\n" % e).encode()
                    writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\n\r\n" % len(msg) + msg)
                    await writer.drain()
                    continue
                n = len(rbody)
                if kind in ("reset", "truncate", "stall", "short") and (n == 0 or method == "HEAD"):
                    kind_applied = "close" if kind != "stall" else "stall"
                else:
                    kind_applied = kind
                cut = self.rng.randrange(n) if n > 0 else 0
                if kind_applied == "pass":
                    writer.write(self.render_head(status, rheaders, n) + rbody)
                    await writer.drain()
                    self.bytes_forwarded += n
                    continue
                if kind_applied == "trickle":
                    writer.write(self.render_head(status, rheaders, n))
                    step = max(1, self.trickle_rate // 20)
                    for i in range(0, n, step):
                        writer.write(rbody[i:i + step])
                        await writer.drain()
                        await asyncio.sleep(step / self.trickle_rate)
                    self.bytes_forwarded += n
                    continue
                if kind_applied == "close":
                    writer.close()
                    return
                if kind_applied == "short":
                    writer.write(self.render_head(status, rheaders, cut) + rbody[:cut])
                    await writer.drain()
                    writer.close()
                    return
                writer.write(self.render_head(status, rheaders, n) + rbody[:cut])
                await writer.drain()
                if kind_applied == "reset":
                    self.rst(writer)
                    return
                if kind_applied == "truncate":
                    writer.close()
                    return
                # stall: wait for the client to go away (or the stall limit)
                deadline = time.monotonic() + self.stall_seconds
                while time.monotonic() < deadline:
                    try:
                        data = await asyncio.wait_for(reader.read(4096), timeout=0.2)
                        if not data:
                            break
                    except asyncio.TimeoutError:
                        continue
                writer.close()
                return
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass


async def main_async(args):
    faults = json.loads(args.faults) if args.faults else {}
    proxy = Proxy(args.upstream, args.seed, faults, args.stall_seconds, args.trickle_rate,
                  args.latency_ms)
    server = await asyncio.start_server(proxy.client, "127.0.0.1", args.port, backlog=256,
                                        limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("PORT %d" % port, flush=True)
    async with server:
        await asyncio.wait_for(server.serve_forever(), timeout=args.max_seconds)


def main():
    ap = argparse.ArgumentParser(description="loopback HTTP proxy with random faults")
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the real server")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--faults", help="JSON probabilities per fault kind")
    ap.add_argument("--stall-seconds", type=float, default=30.0)
    ap.add_argument("--trickle-rate", type=int, default=20000, help="bytes/s for trickle")
    ap.add_argument("--max-seconds", type=float, default=3600.0)
    ap.add_argument("--latency-ms", type=float, default=0.0, help="delay before each request")
    args = ap.parse_args()
    try:
        asyncio.run(main_async(args))
    except (asyncio.TimeoutError, KeyboardInterrupt):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
