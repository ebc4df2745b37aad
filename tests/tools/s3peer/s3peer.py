#!/usr/bin/python3
"""s3peer: a small path-style S3 object server for tests that really verifies AWS SigV4.

Serves /<bucket>/<key...> from DATADIR on 127.0.0.1: PUT stores (temp file + rename), GET/HEAD
return (404 NoSuchKey when absent), DELETE removes (204). Every request must carry a SigV4
`Authorization: AWS4-HMAC-SHA256 ...` header; the signature is recomputed with Debian's
python3-botocore over exactly the client's SignedHeaders and compared in constant time.
`x-amz-content-sha256` is required and must be UNSIGNED-PAYLOAD or the body's hex SHA-256.
`If-None-Match: *` on an existing key gives 412 PreconditionFailed. When S3_SESSION_TOKEN is set,
requests must carry a matching (signed) x-amz-security-token.

usage: /usr/bin/python3 s3peer.py PORT DATADIR
credentials: env S3_ACCESS_KEY / S3_SECRET_KEY (default: the AWS documentation example pair).
Prints "s3peer listening on 127.0.0.1:PORT" on stdout once it accepts connections. Exits by
itself once the process that started it is gone (tests/tools/peer_lifetime.py).
"""
import hashlib
import hmac
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_lifetime import exit_with_parent  # noqa: E402

ACCESS_KEY = os.environ.get("S3_ACCESS_KEY", "AKIDEXAMPLE")
SECRET_KEY = os.environ.get("S3_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SESSION_TOKEN = os.environ.get("S3_SESSION_TOKEN", "")

AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<ak>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request,\s*SignedHeaders=(?P<signed>[^,]+),\s*"
    r"Signature=(?P<sig>[0-9a-f]{64})")


class Rejected(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error_xml(self, e):
        text = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message>'
                '</Error>' % (e.code, e.message.replace("&", "&amp;").replace("<", "&lt;")))
        self.send(e.status, text.encode(), [("Content-Type", "application/xml")])

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def check_signature(self, body):
        m = AUTHORIZATION.fullmatch(self.headers.get("Authorization", "").strip())
        if not m:
            raise Rejected(403, "AccessDenied", "missing or malformed SigV4 Authorization header")
        if m["ak"] != ACCESS_KEY:
            raise Rejected(403, "InvalidAccessKeyId", "unknown access key id")
        amz_date = self.headers.get("x-amz-date", "")
        if not amz_date.startswith(m["date"]):
            raise Rejected(403, "AccessDenied", "x-amz-date does not match the credential date")
        payload = self.headers.get("x-amz-content-sha256")
        if payload is None:
            raise Rejected(400, "InvalidRequest", "missing x-amz-content-sha256")
        if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
            raise Rejected(400, "XAmzContentSHA256Mismatch", "x-amz-content-sha256 mismatch")
        names = m["signed"].split(";")
        if SESSION_TOKEN:
            if "x-amz-security-token" not in names or not hmac.compare_digest(
                    self.headers.get("x-amz-security-token", ""), SESSION_TOKEN):
                raise Rejected(403, "InvalidToken", "missing or wrong session token")
        request = AWSRequest(method=self.command,
                             url="http://%s%s" % (self.headers.get("Host"), self.path),
                             headers={n: self.headers.get(n, "") for n in names}, data=body)
        request.context["timestamp"] = amz_date
        signer = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), m["service"], m["region"])

        def client_headers(req):  # sign exactly the client's header list
            h = HTTPHeaders()
            for n in names:
                h[n] = req.headers[n]
            return h

        signer.headers_to_sign = client_headers
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, m["sig"]):
            raise Rejected(403, "SignatureDoesNotMatch",
                           "signature mismatch; canonical request: " + canonical.replace("\n", "\\n"))

    def object_path(self):
        key = unquote(urlsplit(self.path).path).lstrip("/")
        parts = key.split("/")
        if len(parts) < 2 or not parts[0] or not parts[-1] or ".." in parts:
            raise Rejected(400, "InvalidRequest", "expected /bucket/key")
        return os.path.join(self.root, *parts)

    def handle_request(self):
        try:
            body = self.body() if self.command == "PUT" else b""
            self.check_signature(body)
            path = self.object_path()
            if self.command == "PUT":
                if self.headers.get("If-None-Match", "").strip() == "*" and os.path.exists(path):
                    raise Rejected(412, "PreconditionFailed",
                                   "At least one of the pre-conditions you specified did not hold")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                tmp = "%s.tmp.%d.%d" % (path, os.getpid(), id(self))
                with open(tmp, "wb") as f:
                    f.write(body)
                os.replace(tmp, path)
                return self.send(200, headers=[("ETag", '"%s"' % hashlib.md5(body).hexdigest())])
            if self.command == "DELETE":
                if os.path.exists(path):
                    os.remove(path)
                return self.send(204)
            if not os.path.isfile(path):
                raise Rejected(404, "NoSuchKey", "The specified key does not exist.")
            with open(path, "rb") as f:
                data = f.read()
            self.send(200, data, [("Content-Type", "application/octet-stream"),
                                  ("ETag", '"%s"' % hashlib.md5(data).hexdigest())])
        except Rejected as e:
            self.send_error_xml(e)

    do_PUT = do_GET = do_HEAD = do_DELETE = handle_request


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: s3peer.py PORT DATADIR\n")
        return 2
    port, root = int(sys.argv[1]), sys.argv[2]
    os.makedirs(root, exist_ok=True)
    Handler.root = root
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    exit_with_parent()
    print("s3peer listening on 127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
