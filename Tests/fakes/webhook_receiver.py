#!/usr/bin/env python3
"""A webhook receiver on 127.0.0.1 for the hook tests: checks the
X-Avatar-Signature-256 header (HMAC-SHA256 of the raw body under the
secret) and appends one JSON line per request to a log file.

    webhook_receiver.py SECRET LOGFILE [FAIL_FIRST]

Answers 500 to the first FAIL_FIRST requests (to exercise retries), 401 to a
request whose signature does not match, 204 otherwise. Prints "PORT n" when
listening; exits when its stdin closes.
"""
import hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = sys.argv[1].encode()
LOG = sys.argv[2]
FAIL_FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 0
seen = {"n": 0}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Avatar-Signature-256", "")
        ok = hmac.compare_digest(expected, got)
        with lock:
            seen["n"] += 1
            n = seen["n"]
            status = 500 if n <= FAIL_FIRST else (204 if ok else 401)
            with open(LOG, "a") as f:
                f.write(json.dumps({"n": n, "signature_ok": ok, "status": status,
                                    "content_type": self.headers.get("Content-Type"),
                                    "event": self.headers.get("X-Avatar-Event"),
                                    "delivery": self.headers.get("X-Avatar-Delivery"),
                                    "body": json.loads(body or b"null")}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
