#!/usr/bin/env python3
"""A loopback server that checks each request's SigV4 signature with botocore and answers
{"match": true} (200) or {"match": false, "reason", "canonical_request"} (403).

Tests send real requests from Magpie's AWS client through it (many paths, queries, header
values, bodies, session tokens, the s3 and other services' path rules), so every signature is
cross-checked against botocore's own signer. Prints {"endpoint", "access_key_id",
"secret_access_key"} and serves until standard input closes.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, __import__("os").path.dirname(__file__))
from botocore_sigv4 import verify  # noqa: E402

SECRETS = {"AKIDCROSSCHECK": "cross/check+secret=KEY"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        ok, reason, canonical = verify(self.command, path, query, list(self.headers.items()), body, SECRETS)
        answer = json.dumps({"match": ok, "reason": reason, "canonical_request": canonical}).encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
key = next(iter(SECRETS))
print(
    json.dumps(
        {"endpoint": f"http://127.0.0.1:{server.server_port}", "access_key_id": key, "secret_access_key": SECRETS[key]}
    ),
    flush=True,
)
sys.stdin.read()
server.shutdown()
