"""Standard Webhooks: secrets, signatures, and a POST only to an address
that passed the checks of ``addresses``."""
import base64
import hashlib
import hmac
import secrets
import time

from services.notify import addresses, outbound_http

SECRET_PREFIX = "whsec_"


def new_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret, message_id, timestamp, body):
    """``v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``, the key
    being the base64-decoded part of the secret after ``whsec_``."""
    key = base64.b64decode(secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret)
    content = f"{message_id}.{timestamp}.".encode() + (body if isinstance(body, bytes) else body.encode())
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers(secrets_in_force, message_id, body, timestamp=None):
    """The three headers; during a rotation one signature per secret, space-separated."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    signatures = " ".join(sign(s, message_id, timestamp, body) for s in secrets_in_force)
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signatures,
            "Content-Type": "application/json"}


def check_destination(url, policy):
    """Raise UnsafeDestination unless ``url`` may receive webhooks (its host
    resolved and every address checked); the checked ``Target`` otherwise."""
    return addresses.checked_target(url, policy)


def post(url, body, request_headers, deadline_seconds, policy):
    """POST ``body`` to ``url``'s host, resolved and checked now (for every
    attempt), at the address that passed; redirects are answers, not
    followed. The ``outbound_http.Answer``. The deadline counts from before
    the lookup, so a slow resolver leaves the attempt less time, not more."""
    started = time.monotonic()
    target = addresses.checked_target(url, policy)
    return outbound_http.post(target, body, request_headers, deadline_seconds, started=started)
