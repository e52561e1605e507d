"""The gateway's HTTP server: nameko's WebServer on eventlet.wsgi, with
bounds on slow clients so that none of them holds a connection for long or
delays anyone else.

eventlet's own options bound one socket operation at a time
(``socket_timeout``; ``keepalive`` as a number while a request is awaited):
a client sending a header line every few seconds never trips them. So the
request line and headers get one deadline, from their first byte, and the
server refuses connections past a number per client address. The bounds
(``ClientBounds``) come from the nameko config at container setup.

- no request begun within ``HTTP_IDLE_TIMEOUT_SECONDS`` (a new connection, or
  one kept alive between requests): closed, since nothing was asked;
- request line and headers not complete ``HTTP_HEAD_TIMEOUT_SECONDS`` after
  their first byte: 408, closed;
- a body silent for ``HTTP_BODY_IDLE_TIMEOUT_SECONDS`` (``socket_timeout``,
  which also bounds a client that stops reading its answer): 408, closed;
- more than ``HTTP_MAX_CONNECTIONS_PER_ADDRESS`` open from one address: the
  extra connection is closed at once.

A body of up to PREFETCH_BODY_BYTES with a Content-Length (every JSON
request) is read by the connection's greenthread before a nameko worker is
taken: workers are few (``max_workers``), so clients that stall such bodies
cannot keep the others waiting. Larger and chunked bodies (uploads) stream
through the worker, each pause bounded as above, and so do small ones while
PREFETCH_BUDGET_BYTES are held by others (memory stays bounded).
"""
import io
import json
import logging
import math
import socket
from collections import Counter
from dataclasses import dataclass
from functools import partial

import eventlet
from eventlet.wsgi import ChunkReadError
from nameko.exceptions import ConfigurationError
from nameko.web.server import HttpOnlyProtocol, WebServer

from gateway.exceptions import MalformedBody, RequestTimeout, describe_error
from gateway.ratelimit import OFF

log = logging.getLogger(__name__)

PREFETCH_BODY_BYTES = 1024 * 1024  # gateway.http's JSON limit: a JSON body is always read before the worker
PREFETCH_BUDGET_BYTES = 64 * 1024 * 1024  # of such bodies held at once by one gateway


@dataclass(frozen=True)
class ClientBounds:
    head_seconds: float = 10.0
    idle_seconds: float = 20.0
    body_idle_seconds: float = 30.0
    max_connections_per_address: int | None = 64  # None: no limit (behind a proxy, all share its address)

    @classmethod
    def from_config(cls, config):
        return cls(head_seconds=_seconds(config, "HTTP_HEAD_TIMEOUT_SECONDS", cls.head_seconds),
                   idle_seconds=_seconds(config, "HTTP_IDLE_TIMEOUT_SECONDS", cls.idle_seconds),
                   body_idle_seconds=_seconds(config, "HTTP_BODY_IDLE_TIMEOUT_SECONDS", cls.body_idle_seconds),
                   max_connections_per_address=_count_or_off(config, "HTTP_MAX_CONNECTIONS_PER_ADDRESS",
                                                             cls.max_connections_per_address))


def _seconds(config, key, default):
    value = config.get(key, default)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigurationError(f"{key} must be a positive number of seconds, not {value!r}")
    return seconds


def _count_or_off(config, key, default):
    value = config.get(key, default)
    if value is None or str(value).strip().lower() in OFF:
        return None
    try:
        count = int(str(value).strip())
    except ValueError:
        count = 0
    if count < 1:
        raise ConfigurationError(f"{key} must be a whole number of connections or 'off', not {value!r}")
    return count


class ConnectionsPerAddress:
    """Open connections by client address (greenthreads do not interleave
    between the check and the count)."""

    def __init__(self, limit):
        self.limit = limit
        self.open = Counter()
        self.refused = Counter()  # since the address last had none open

    def admit(self, address):
        if self.limit is not None and self.open[address] >= self.limit:
            self.refused[address] += 1
            return False
        self.open[address] += 1
        return True

    def release(self, address):
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]
            self.refused.pop(address, None)


class ByteBudget:
    """Bytes held at once across connections."""

    def __init__(self, limit):
        self.limit = limit
        self.held = 0

    def take(self, size):
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def give(self, size):
        self.held -= size


class _HeadTimedOut(Exception):
    """Raised into a connection's greenthread when its head deadline passes."""


class BoundedProtocol(HttpOnlyProtocol):
    """eventlet's protocol with a deadline on the request head and a 408 for
    a body that falls silent. Its server carries ``client_bounds``."""

    _head_deadline = None  # an eventlet.Timeout while the request head is read

    def _read_request_line(self):
        if not self._request_begins():
            return ""  # eventlet closes the connection quietly
        self._head_deadline = eventlet.Timeout(self.server.client_bounds.head_seconds, _HeadTimedOut())
        return super()._read_request_line()

    def _request_begins(self):
        """Wait up to the idle bound for a request's first byte."""
        if self.rfile.closed:
            return False
        try:
            self.connection.settimeout(self.server.client_bounds.idle_seconds)
            return bool(self.rfile.peek(1))
        except OSError:  # the idle bound passed (socket.timeout), or the client left
            return False

    def parse_request(self):
        parsed = super().parse_request()
        self._end_head()  # from here each read of the body has the body bound
        return parsed

    def _end_head(self):
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (_HeadTimedOut, socket.timeout):
            if self._head_deadline is None:
                raise  # not the head: eventlet closes the connection
            bound = self.server.client_bounds.head_seconds
            self._answer_timeout(RequestTimeout(f"the request line and headers took longer than {bound:g} s",
                                                {"part": "headers", "limit_seconds": bound}))
        finally:
            self._end_head()

    def _answer_timeout(self, error):
        log.info("408 to %s: %s", self.client_address[0], error.message)
        status, body = describe_error(error)
        payload = json.dumps(body).encode()
        head = (f"HTTP/1.1 {status} Request Timeout\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode()
        self.close_connection = 1
        try:
            self.wfile.write(head + payload)
            self.wfile.flush()
        except OSError:  # gone already, or not reading either
            pass

    def get_environ(self):
        env = super().get_environ()
        env["wsgi.input"] = RequestBody(env["wsgi.input"], self)
        return env

    def handle_one_response(self):
        size = int(self.environ.get("CONTENT_LENGTH") or 0)  # eventlet has refused a malformed one
        prefetch = 0 < size <= PREFETCH_BODY_BYTES and self.server.prefetch_budget.take(size)
        try:
            if prefetch:
                try:
                    self._prefetch_body(size)
                except RequestTimeout as error:
                    self._answer_timeout(error)
                    return
                except MalformedBody:  # the client broke the connection off: nobody to answer
                    self.close_connection = 1
                    return
            super().handle_one_response()
        finally:
            if prefetch:
                self.server.prefetch_budget.give(size)

    def _prefetch_body(self, size):
        """Read the body here, before the worker; the app reads it from
        memory (short when the client left: werkzeug answers 400)."""
        self.environ["wsgi.input"] = io.BytesIO(self.environ["wsgi.input"].read(size))

    def body_timed_out(self):
        """The answer (a 408 from the handler) closes the connection: the
        rest of the body is not waited for."""
        self.close_connection = 1
        bound = self.server.client_bounds.body_idle_seconds
        return RequestTimeout(f"the request body paused for longer than {bound:g} s",
                              {"part": "body", "limit_seconds": bound})


class RequestBody:
    """``wsgi.input`` whose reads fail as answers, never as a 500 from
    wherever the body is read (JSON, multipart, a streamed upload): a body
    silent past its bound is RequestTimeout (408; werkzeug would take
    socket.timeout for a disconnection), one cut short or badly chunked is
    MalformedBody (400; eventlet raises OSError or ChunkReadError there)."""

    def __init__(self, stream, protocol):
        self._stream = stream
        self._protocol = protocol

    def _call(self, method, *args):
        try:
            return method(*args)
        except socket.timeout:
            raise self._protocol.body_timed_out() from None
        except ChunkReadError as exc:
            raise MalformedBody(f"the request body is not valid chunked transfer encoding: {exc}") from None
        except OSError as exc:
            raise MalformedBody(f"the request body ended before it was complete: {exc}") from None

    def read(self, *args):
        return self._call(self._stream.read, *args)

    def readline(self, *args):
        return self._call(self._stream.readline, *args)

    def readlines(self, *args):
        return self._call(self._stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def __getattr__(self, name):
        return getattr(self._stream, name)


class BoundedWebServer(WebServer):
    """nameko's WebServer with the bounds of ``ClientBounds``."""

    def setup(self):
        self.client_bounds = ClientBounds.from_config(self.container.config)
        self.connections = ConnectionsPerAddress(self.client_bounds.max_connections_per_address)
        super().setup()

    def get_wsgi_server(self, sock, wsgi_app, protocol=BoundedProtocol, debug=False):
        # eventlet writes headers and a large body in separate sends: with
        # Nagle's algorithm the last one waits for the client's delayed ACK
        # (40 ms on Linux). Accepted sockets inherit this from the listener.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
        server.client_bounds = self.client_bounds
        server.prefetch_budget = ByteBudget(PREFETCH_BUDGET_BYTES)
        server.socket_timeout = self.client_bounds.body_idle_seconds
        server.keepalive = self.client_bounds.idle_seconds  # also announced in Keep-Alive: timeout=
        return server

    def run(self):
        """nameko's accept loop, with the limit per address."""
        while self._is_accepting:
            sock, address = self._sock.accept()
            if not self.connections.admit(address[0]):
                refused = self.connections.refused[address[0]]
                if refused == 1 or refused % 1000 == 0:  # not a line per connection of a flood
                    log.warning("closed a connection from %s: %d open from there already (%d closed so far)",
                                address[0], self.connections.limit, refused)
                sock.close()
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self._serve, sock, address))

    def _serve(self, sock, address):
        try:
            self.process_request(sock, address)
        finally:
            self.connections.release(address[0])
