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
        self.respond = None  # respond(handler): writes the whole answer itself, instead of a status
        self.open_requests = {}  # webhook-id -> requests of it being answered now
        self.most_at_once = {}  # webhook-id -> the most requests of it that were open at once
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
                    hold, respond, webhook_id = receiver.hold, receiver.respond, headers.get("webhook-id")
                    receiver.open_requests[webhook_id] = receiver.open_requests.get(webhook_id, 0) + 1
                    receiver.most_at_once[webhook_id] = max(receiver.most_at_once.get(webhook_id, 0),
                                                            receiver.open_requests[webhook_id])
                try:
                    if hold is not None:
                        hold.wait(30)
                    if respond is not None:
                        respond(self)
                        return
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                finally:
                    with receiver.lock:
                        receiver.open_requests[webhook_id] -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()  # quick to shut down

    def close(self):
        self.server.shutdown()
        self.server.server_close()
