#!/usr/bin/python3
"""reservoirpeer: a loopback stand-in for Reservoir's cache API, for leancache's tests.

It answers what Lake asks Reservoir (spec lake-native-cache-2026.md §3.5), like the mock server of
Lake's own `cacheTransfer` test; the artifacts themselves are served by another server (a CDN,
nginx in the tests) whose base URL is given with --cdn.

usage: /usr/bin/python3 reservoirpeer.py PORT ROOT CDN_URL
  GET  /api/v1/{packages|repositories}/{scope...}/build-outputs?rev=R[&platform=P][&toolchain=T]
       -> ROOT/{packages|repositories}/{scope}/{R}.jsonl (200, application/vnd.reservoir.outputs+
          json-lines), 404 when absent.
  POST /api/v1/{packages|repositories}/{scope...}/artifacts   body: JSON array of 16-hex hashes
       -> {"data": ["CDN_URL/{scope}/{hash}.art", ...]} in the same order.
  GET  /api/v1/{packages|repositories}/{scope...}/artifacts/{hash}.art
       -> the bytes of CDN_URL/{scope}/{hash}.art, fetched and relayed (the single-artifact URL; no
          headers needed; a plain-HTTP redirect would not be followed by a client that, like
          leancache, follows redirects to https only).
  Both API calls need `X-Reservoir-Api-Version: 1.0.0` and `X-Lake-Registry-Api-Version: 0.1.0`, and the POST
  `Content-Type: application/json`; otherwise 400 with an error object. A body that is not an
  array of 16-hex strings is a 400 error object too.
  Scripted answers by scope owner: `error/...` -> {"error": {"status": 503, "message":
  "maintenance"}} (status 200, as the mock does); `short/...` -> a data array one element short;
  `nobatch/...` -> 405 to the POST (a server without the batch endpoint).
Every request is appended to ROOT/requests.log as "METHOD PATH N" (N: hashes in a POST, else 0).
Prints "reservoirpeer listening on 127.0.0.1:PORT" once it accepts connections. Exits by itself
when the process that started it is gone, or after 15 minutes.
"""
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_lifetime import exit_with_parent  # noqa: E402

PORT, ROOT, CDN = int(sys.argv[1]), sys.argv[2], sys.argv[3].rstrip("/")
PREFIX = "/api/v1/"
HEX16 = re.compile(r"^[0-9a-f]{16}$")
LOG_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, http_status=None):
        self.reply(http_status or status, {"error": {"status": status, "message": message}})

    def log(self, path, n):
        with LOG_LOCK, open(os.path.join(ROOT, "requests.log"), "a") as f:
            f.write("%s %s %d\n" % (self.command, path, n))

    def split(self, path):
        """(kind, scope parts, action) of an API path, or None."""
        if not path.startswith(PREFIX):
            return None
        parts = [unquote(p) for p in path[len(PREFIX):].split("/")]
        if len(parts) < 3 or parts[0] not in ("packages", "repositories"):
            return None
        if any(p in ("", ".", "..") or "/" in p for p in parts[1:-1]):
            return None
        return parts[0], parts[1:-1], parts[-1]

    def headers_ok(self):
        return (self.headers.get("X-Reservoir-Api-Version") == "1.0.0" and
                self.headers.get("X-Lake-Registry-Api-Version") == "0.1.0")

    def do_GET(self):
        url = urlsplit(self.path)
        where = self.split(url.path)
        self.log(url.path, 0)
        if where is not None and len(where[1]) > 1 and where[1][-1] == "artifacts" and \
                re.match(r"^[0-9a-f]{16}\.art$", where[2]):
            try:
                with urllib.request.urlopen("%s/%s/%s" % (CDN, "/".join(where[1][:-1]), where[2])) as r:
                    data = r.read()
            except urllib.error.HTTPError as e:
                return self.error(e.code, "artifact not found")
            self.reply(200, data, "application/vnd.reservoir.artifact")
            return
        if where is None or where[2] != "build-outputs":
            return self.error(404, "not found")
        if not self.headers_ok():
            return self.error(400, "missing Reservoir API version headers")
        rev = parse_qs(url.query).get("rev", [""])[0]
        if not re.match(r"^[0-9a-f]{40}$", rev):
            return self.error(400, "bad rev")
        f = os.path.join(ROOT, where[0], *where[1], rev + ".jsonl")
        if not os.path.isfile(f):
            return self.error(404, "no build outputs for this revision")
        with open(f, "rb") as fh:
            self.reply(200, fh.read(), "application/vnd.reservoir.outputs+json-lines")

    def do_POST(self):
        url = urlsplit(self.path)
        where = self.split(url.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        try:
            hashes = json.loads(body.decode())
        except ValueError:
            hashes = None
        self.log(url.path, len(hashes) if isinstance(hashes, list) else 0)
        if where is None or where[2] != "artifacts":
            return self.error(404, "not found")
        owner = where[1][0]
        if owner == "nobatch":
            return self.reply(405, b"method not allowed\n", "text/plain")
        if not self.headers_ok() or self.headers.get("Content-Type") != "application/json":
            return self.error(400, "missing Reservoir API version headers or JSON content type")
        if not isinstance(hashes, list) or not all(isinstance(h, str) and HEX16.match(h) for h in hashes):
            return self.error(400, "body must be a JSON array of 16-hex hashes")
        if owner == "error":
            return self.reply(200, {"error": {"status": 503, "message": "maintenance"}})
        urls = ["%s/%s/%s.art" % (CDN, "/".join(where[1]), h) for h in hashes]
        if owner == "short":
            urls = urls[:-1]
        self.reply(200, {"data": urls})


exit_with_parent()
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
print("reservoirpeer listening on 127.0.0.1:%d" % PORT, flush=True)
server.serve_forever()
