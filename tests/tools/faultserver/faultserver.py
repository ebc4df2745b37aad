#!/usr/bin/python3
"""faultserver.py -- loopback HTTP/1.1 file server with scripted faults, for leancache tests.

Usage:
  /usr/bin/python3 faultserver.py --root DIR [--port 0] [--port-file PATH]
                                  [--faults FILE.json] [--max-seconds 300]

* Binds 127.0.0.1 only. With --port 0 (the default) the kernel picks a free port. Once listening,
  the server prints one line `PORT <n>` on stdout and, with --port-file, writes `<n>` to that
  file (atomically: temp file + rename), so a test can wait for the file to appear.
* Exits by itself after --max-seconds (default 300), even when requests are still open.

Serving (HTTP/1.1, keep-alive, Content-Length on every reply):
  GET/HEAD /p   -> ROOT/p (200), 404 when absent. Paths with a `..` component give 400.
  PUT /p        -> stores the body (201 new, 204 overwrite); `If-None-Match: *` on an existing
                   file gives 412. Accepts Content-Length and chunked bodies.
  POST /p       -> 200 echoing the request body (a stand-in for lookup endpoints such as
                   Reservoir's batch query; fault rules apply as to any request).
  The query string is ignored for file lookup (so `?sig=...` URLs work).

Faults: an ordered list of rules. Each request (admin requests excepted) takes the FIRST rule
whose "path" matches and whose "times" is not used up; that rule's "times" then decreases by one.
  "path": exact path ("/f/a.ltar"), a prefix ending in "*" ("/f/*"), or "*" (any); default "*".
  "times": how many requests the rule applies to; absent = forever.
  "method": optional, e.g. "PUT"; absent = any method.
Kinds ("fault"):
  {"fault": "status", "status": 500}  reply with that status and a short text body
  {"fault": "truncate", "bytes": 100} full Content-Length header, send `bytes` of the body, close
  {"fault": "reset", "bytes": 100}    send headers + `bytes` of the body, then TCP RST
  {"fault": "stall", "bytes": 0}      send headers + `bytes` of the body, then nothing until the
                                      client goes away (or the server's lifetime ends)
  {"fault": "trickle", "rate": 1000}  send the body at `rate` bytes/s (in 10 slices per second)
  {"fault": "corrupt"}                flip the bits of every 97th body byte (same length)
  {"fault": "delay", "ms": 200}       wait, then serve normally
  {"fault": "close"}                  close the connection without any reply
  {"fault": "redirect", "location": "/other", "status": 302}   redirect (Location as given)
  "retry_after": N (with "status")    adds a `Retry-After: N` header

Control:
  --faults FILE.json                  initial rules: {"rules": [ ... ]}
  PUT|POST /_admin/faults  body {"rules": [...]}   replace the rules (200)
  POST /_admin/reset                  clear rules and statistics (200)
  GET  /_admin/stats                  JSON statistics:
      connections              connections that carried at least one non-admin request
      active_connections, max_active_connections
      requests, active_requests, max_active_requests   (non-admin requests)
      hits {path: n}           non-admin requests per path
      last_headers {path: {name: value}}   headers of the last request per path (lower-case names)
Admin requests never count in the statistics and never take fault rules.
"""
import argparse
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


class State:
    """Rules and statistics shared by all handler threads (guarded by one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.reset_stats()

    def reset_stats(self):
        self.connections = 0
        self.active_connections = 0
        self.max_active_connections = 0
        self.requests = 0
        self.active_requests = 0
        self.max_active_requests = 0
        self.hits = {}
        self.last_headers = {}

    def take_rule(self, method, path):
        with self.lock:
            for rule in self.rules:
                pattern = rule.get("path", "*")
                if pattern == "*":
                    match = True
                elif pattern.endswith("*"):
                    match = path.startswith(pattern[:-1])
                else:
                    match = path == pattern
                if not match:
                    continue
                if "method" in rule and rule["method"].upper() != method:
                    continue
                times = rule.get("times")
                if times is not None:
                    if times <= 0:
                        continue
                    rule["times"] = times - 1
                return dict(rule)
        return None

    def stats_json(self):
        with self.lock:
            return json.dumps({
                "connections": self.connections,
                "active_connections": self.active_connections,
                "max_active_connections": self.max_active_connections,
                "requests": self.requests,
                "active_requests": self.active_requests,
                "max_active_requests": self.max_active_requests,
                "hits": self.hits,
                "last_headers": self.last_headers,
            }, sort_keys=True).encode()


STATE = State()
ROOT = "."
DEADLINE = 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultserver/1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.counted = False

    def finish(self):
        try:
            super().finish()
        finally:
            if self.counted:
                with STATE.lock:
                    STATE.active_connections -= 1

    # ---- helpers -------------------------------------------------------------------------
    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                n = int(self.rfile.readline().strip().split(b";")[0], 16)
                if n == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(n)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def file_path(self, path):
        rel = path.lstrip("/")
        if ".." in rel.split("/"):
            return None
        return os.path.join(ROOT, rel)

    def wait_client_gone(self):
        """Block until the peer closes the connection or the server lifetime ends."""
        sock = self.connection
        sock.settimeout(0.1)
        while time.time() < DEADLINE:
            try:
                if sock.recv(4096) == b"":
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def abort_with_reset(self):
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    # ---- admin ---------------------------------------------------------------------------
    def handle_admin(self, path):
        body = self.read_body() if self.command in ("PUT", "POST") else b""
        if path == "/_admin/stats" and self.command == "GET":
            return self.reply(200, STATE.stats_json(), [("Content-Type", "application/json")])
        if path == "/_admin/faults" and self.command in ("PUT", "POST"):
            try:
                rules = json.loads(body.decode() or "{}").get("rules", [])
                if not isinstance(rules, list):
                    raise ValueError("rules must be a list")
            except (ValueError, AttributeError) as e:
                return self.reply(400, ("bad faults JSON: %s\n" % e).encode())
            with STATE.lock:
                STATE.rules = rules
            return self.reply(200, b"ok\n")
        if path == "/_admin/reset" and self.command == "POST":
            with STATE.lock:
                STATE.rules = []
                STATE.reset_stats()
            return self.reply(200, b"ok\n")
        return self.reply(404, b"unknown admin endpoint\n")

    # ---- requests ------------------------------------------------------------------------
    def handle_any(self):
        path = unquote(urlsplit(self.path).path)
        if path.startswith("/_admin/"):
            return self.handle_admin(path)
        with STATE.lock:
            if not self.counted:
                self.counted = True
                STATE.connections += 1
                STATE.active_connections += 1
                STATE.max_active_connections = max(STATE.max_active_connections,
                                                   STATE.active_connections)
            STATE.requests += 1
            STATE.active_requests += 1
            STATE.max_active_requests = max(STATE.max_active_requests, STATE.active_requests)
            STATE.hits[path] = STATE.hits.get(path, 0) + 1
            STATE.last_headers[path] = {k.lower(): v for k, v in self.headers.items()}
        try:
            self.serve(path)
        finally:
            with STATE.lock:
                STATE.active_requests -= 1

    def serve(self, path):
        body_in = self.read_body() if self.command in ("PUT", "POST") else b""
        rule = STATE.take_rule(self.command, path)
        kind = rule.get("fault") if rule else None
        if kind == "close":
            self.close_connection = True
            return
        if kind == "status":
            headers = []
            if "retry_after" in rule:
                headers.append(("Retry-After", str(rule["retry_after"])))
            code = int(rule.get("status", 500))
            return self.reply(code, ("fault %d\n" % code).encode(), headers)
        if kind == "redirect":
            code = int(rule.get("status", 302))
            return self.reply(code, b"moved\n", [("Location", rule.get("location", "/"))])
        if kind == "delay":
            time.sleep(float(rule.get("ms", 100)) / 1000.0)

        f = self.file_path(path)
        if f is None:
            return self.reply(400, b"bad path\n")
        if self.command == "PUT":
            existed = os.path.isfile(f)
            if self.headers.get("If-None-Match", "").strip() == "*" and existed:
                return self.reply(412, b"precondition failed\n")
            os.makedirs(os.path.dirname(f) or ".", exist_ok=True)
            tmp = "%s.tmp%d.%d" % (f, os.getpid(), threading.get_ident())
            with open(tmp, "wb") as out:
                out.write(body_in)
            os.replace(tmp, f)
            return self.reply(204 if existed else 201)
        if self.command == "POST":
            return self.reply(200, body_in, [("Content-Type", "application/octet-stream")])
        if self.command not in ("GET", "HEAD"):
            return self.reply(405, b"method not allowed\n")
        if not os.path.isfile(f):
            return self.reply(404, b"not found\n")
        with open(f, "rb") as fh:
            data = fh.read()

        if kind in ("truncate", "reset", "stall", "trickle", "corrupt"):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if kind == "corrupt":
                buf = bytearray(data)
                for i in range(0, len(buf), 97):
                    buf[i] ^= 0xFF
                self.wfile.write(bytes(buf))
                return
            if kind == "trickle":
                rate = max(1, int(rule.get("rate", 1000)))
                step = max(1, rate // 10)
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                    time.sleep(step / rate)
                return
            sent = min(int(rule.get("bytes", 0 if kind == "stall" else len(data) // 2)), len(data))
            self.wfile.write(data[:sent])
            self.wfile.flush()
            if kind == "truncate":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            elif kind == "reset":
                self.abort_with_reset()
            else:  # stall
                self.wait_client_gone()
                self.close_connection = True
            return
        self.reply(200, data, [("Content-Type", "application/octet-stream")])

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    global ROOT, DEADLINE
    ap = argparse.ArgumentParser(description="loopback HTTP file server with scripted faults")
    ap.add_argument("--root", required=True, help="directory to serve")
    ap.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = pick one)")
    ap.add_argument("--port-file", help="write the chosen port here once listening")
    ap.add_argument("--faults", help="JSON file with initial rules: {\"rules\": [...]}")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="exit after this long")
    args = ap.parse_args()

    ROOT = os.path.abspath(args.root)
    if not os.path.isdir(ROOT):
        print("faultserver: --root %s is not a directory" % ROOT, file=sys.stderr)
        return 2
    if args.faults:
        with open(args.faults) as fh:
            STATE.rules = json.load(fh).get("rules", [])
    DEADLINE = time.time() + args.max_seconds

    server = Server(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("PORT %d" % port, flush=True)

    def lifetime():
        time.sleep(args.max_seconds)
        os._exit(0)

    threading.Thread(target=lifetime, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
