"""A webhook receiver for the tests: a local HTTP server that checks every
signature with the Standard Webhooks reference library (not the
platform's code), records what it got, and answers as told."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def verify(secret, headers, body):
    """True when one of the ``v1,`` signatures verifies with ``secret`` (and
    the timestamp is within the library's five minutes)."""
    try:
        Webhook(secret).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError:
        return False
    return True


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
