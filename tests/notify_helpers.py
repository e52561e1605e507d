"""A webhook receiver for the tests: a local HTTP server that checks every
signature with its own implementation of the Standard Webhooks algorithm
(not the platform's), records what it got, and answers as told."""
import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret, headers, body):
    """Standard Webhooks, written from the specification: HMAC-SHA256 keyed
    with the base64-decoded secret over ``id.timestamp.body``; any one of the
    space-separated ``v1,`` signatures may match."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = b".".join([headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body])
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    presented = [s.split(",", 1)[1] for s in headers["webhook-signature"].split(" ") if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, p) for p in presented)


class Receiver:
    def __init__(self, secrets=()):
        self.secrets = list(secrets)
        self.received = []  # (headers, body dict, verified)
        self.answers = []  # status codes to answer, in order; 200 once used up
        self.hold = None  # a threading.Event: requests wait for it before being answered
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    ok = any(verify(s, headers, body) for s in receiver.secrets) if receiver.secrets else None
                    receiver.received.append((headers, json.loads(body), ok))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    hold = receiver.hold
                if hold is not None:
                    hold.wait(30)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
