"""One webhook POST to an address checked beforehand, with one deadline for
all of it (connect, TLS, request, status and headers), a bounded read of the
answer, and no redirects.

Written over a socket rather than requests/urllib3 because their timeouts
are per socket operation: a receiver sending one byte every few seconds
keeps them waiting for ever. Here every wait is given only the time left.
The connection goes to ``target.address``; the Host header and the TLS
name (SNI and certificate check) stay the URL's host."""
import dataclasses
import socket
import ssl
import time

MAX_HEAD_BYTES = 16 * 1024  # status line and headers
MAX_BODY_BYTES = 4 * 1024  # of the answer's body: kept for the log, the rest never read
_CHUNK = 4096


class ReceiverError(OSError):
    """The receiver did not answer with a readable HTTP response in time."""


@dataclasses.dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict  # lower-case names
    body: bytes  # at most MAX_BODY_BYTES


class _Deadline:
    def __init__(self, seconds, started=None):
        self.seconds, self.at = seconds, (started or time.monotonic()) + seconds

    def left(self):
        left = self.at - time.monotonic()
        if left <= 0:
            raise ReceiverError(f"no complete answer within the {self.seconds:g} s deadline")
        return left


def _host_header(target):
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _request(target, body, headers):
    lines = [f"POST {target.path} HTTP/1.1", f"Host: {_host_header(target)}", f"Content-Length: {len(body)}",
             "Connection: close", "User-Agent: remittances-observatory-notify",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _connect(target, deadline, tls_context):
    sock = socket.create_connection((target.address, target.port), timeout=deadline.left())
    if target.scheme != "https":
        return sock
    sock.settimeout(deadline.left())  # the whole handshake within it (Python's TLS timeout is for all of it)
    try:
        return (tls_context or ssl.create_default_context()).wrap_socket(sock, server_hostname=target.host)
    except BaseException:
        sock.close()
        raise


def _receive(sock, deadline):
    sock.settimeout(deadline.left())
    try:
        return sock.recv(_CHUNK)
    except socket.timeout:
        deadline.left()  # raises: the deadline, not this one wait, is what ran out
        raise


def _parse_head(head):
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not (parts[1].isdigit() and len(parts[1]) == 3):
        raise ReceiverError(f"not an HTTP answer: {status_line[:80]!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


def _read_answer(sock, deadline):
    received = b""
    while b"\r\n\r\n" not in received:
        if len(received) > MAX_HEAD_BYTES:
            raise ReceiverError(f"the answer's headers exceed {MAX_HEAD_BYTES} bytes")
        chunk = _receive(sock, deadline)
        if not chunk:
            raise ReceiverError("the receiver closed the connection without a complete answer")
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, headers = _parse_head(head)
    wanted = min(MAX_BODY_BYTES, int(headers["content-length"]) if headers.get("content-length", "").isdigit()
                 else MAX_BODY_BYTES)
    try:  # the status is the answer: a body that is slow or long is only cut short
        while len(body) < wanted:
            chunk = _receive(sock, deadline)
            if not chunk:
                break
            body += chunk
    except OSError:
        pass
    return Answer(status, headers, body[:MAX_BODY_BYTES])


def post(target, body, headers, deadline_seconds, tls_context=None, started=None):
    """POST ``body`` to ``target`` (an ``addresses.Target``); the ``Answer``,
    or ReceiverError/OSError when there is none within ``deadline_seconds``
    of ``started`` (a ``time.monotonic()``; now when not given)."""
    deadline = _Deadline(deadline_seconds, started)
    sock = _connect(target, deadline, tls_context)
    try:
        sock.settimeout(deadline.left())
        sock.sendall(_request(target, body, headers))
        return _read_answer(sock, deadline)
    finally:
        sock.close()
