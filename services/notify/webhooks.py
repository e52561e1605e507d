"""Standard Webhooks: secrets, signatures, and a POST that refuses private
networks (and redirects into them) unless the operator allows it."""
import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests

from observatory.errors import UnsafeDestination

SECRET_PREFIX = "whsec_"
MAX_REDIRECTS = 3


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


def _refused(address):
    ip = ipaddress.ip_address(address)
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or \
        ip.is_unspecified


def check_destination(url, allow_private=False):
    """Raise UnsafeDestination unless every address ``url``'s host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeDestination("a webhook URL must be http(s) with a host", {"url": url})
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443,
                                                                 proto=socket.IPPROTO_TCP)}
    except socket.gaierror as exc:
        raise UnsafeDestination(f"the webhook host does not resolve: {exc}", {"url": url}) from None
    refused = sorted(a for a in addresses if _refused(a.split("%")[0]))
    if refused:
        raise UnsafeDestination("webhooks to private, loopback or link-local addresses are refused "
                                "(WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 allows them)", {"url": url, "addresses": refused})


def session(connections=32):
    """A session that keeps connections to receivers open between attempts."""
    pooled = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=connections, pool_maxsize=connections)
    pooled.mount("https://", adapter)
    pooled.mount("http://", adapter)
    return pooled


def post(url, body, request_headers, timeout, allow_private=False, through=None):
    """POST ``body`` (through a pooled session when given); follow at most a
    few 307/308 redirects, each target checked like the first. Returns the
    final response."""
    for _ in range(MAX_REDIRECTS + 1):
        check_destination(url, allow_private)
        response = (through or requests).post(url, data=body, headers=request_headers, timeout=timeout, allow_redirects=False)
        if response.status_code not in (307, 308) or "Location" not in response.headers:
            return response
        url = urljoin(url, response.headers["Location"])
    return response
