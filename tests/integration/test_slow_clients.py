"""Slow clients on the real broker: a dribbled head, a stalled body, an idle
socket and too many connections from one address are answered 408 or closed
within their bound (gateway/server.py), while another client is served.

The bounds are short here so that the tests are quick; MARGIN allows for a
shared, busy machine. Before the bounds, each of these connections was held
for as long as the client liked.
"""
import http.client
import json
import select
import socket
import struct
import time

import eventlet
import pytest
import requests

from gateway.service import GatewayService
from gateway.uploads import CHUNK_BYTES
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES

pytestmark = pytest.mark.broker

BOUND = 3.0
MARGIN = 3.0
READ = "GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"  # the API's index: answered by the gateway alone


@pytest.fixture
def start_gateway(runner_factory, platform_config, web_config_port):
    def start(*services, **bounds):
        config = {"HTTP_HEAD_TIMEOUT_SECONDS": BOUND, "HTTP_IDLE_TIMEOUT_SECONDS": BOUND,
                  "HTTP_BODY_IDLE_TIMEOUT_SECONDS": BOUND, **bounds}
        runner_factory({**platform_config, **config}, GatewayService, *services).start()
        return web_config_port
    return start


def connect(port, source="127.0.0.1"):
    connection = socket.socket()
    connection.bind((source, 0))
    connection.connect(("127.0.0.1", port))
    return connection


def answer_of(connection, limit):
    """The response on ``connection`` (None when it was closed without one)
    and the seconds until it ended; fails when nothing happens within ``limit``."""
    connection.settimeout(limit)
    started = time.monotonic()
    response = http.client.HTTPResponse(connection)
    try:
        response.begin()
        response.body = response.read()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        response = None
    except socket.timeout:
        pytest.fail(f"the connection was neither answered nor closed within {limit} s")
    return response, time.monotonic() - started


def closed_within(connection, limit):
    """Seconds until the server closed ``connection`` with nothing more to say."""
    connection.settimeout(limit)
    started = time.monotonic()
    try:
        rest = connection.recv(65536)
    except ConnectionResetError:
        rest = b""
    except socket.timeout:
        pytest.fail(f"the connection was still open after {limit} s")
    assert rest == b"", rest[:200]
    return time.monotonic() - started


def not_answered_yet(connection):
    """Nothing arrived on ``connection``, not even its end."""
    readable, _, _ = select.select([connection], [], [], 0)
    return not readable


def another_client_is_served(port, source="127.0.0.1"):
    with connect(port, source) as other:
        other.sendall(READ.encode())
        response, _ = answer_of(other, 30)
    assert response is not None and response.status == 200
    assert json.loads(response.body)["version"] == "v1"
    return True


def assert_408(response, part):
    assert response is not None and response.status == 408
    assert response.getheader("Connection") == "close"
    body = json.loads(response.body)
    assert body["error"] == "REQUEST_TIMEOUT" and body["details"] == {"part": part, "limit_seconds": BOUND}


def test_headers_sent_a_line_at_a_time_get_408_within_the_head_bound(start_gateway):
    port = start_gateway()
    slow = connect(port)

    def dribble():  # each line well within the idle bounds of one read: only the head's deadline stops it
        try:
            slow.sendall(b"GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for line in range(30):
                eventlet.sleep(BOUND / 2)
                slow.sendall(f"X-Line-{line}: {line}\r\n".encode())
            slow.sendall(b"\r\n")
        except OSError:  # answered and closed
            pass

    started = time.monotonic()
    dribbler = eventlet.spawn(dribble)
    assert another_client_is_served(port)
    assert not_answered_yet(slow)
    response, _ = answer_of(slow, BOUND + MARGIN)
    dribbler.kill()
    assert_408(response, "headers")
    assert time.monotonic() - started <= BOUND + MARGIN


def credential_request(admin_token):
    body = json.dumps({"role": "subscriber", "subscriber_id": "mof-nepal", "label": "Ministry of Finance"}).encode()
    head = (f"POST /api/v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {admin_token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    return head, body


def stall_a_body(port, admin_token):
    """A connection that sent its headers and half of its JSON body."""
    head, body = credential_request(admin_token)
    slow = connect(port)
    slow.sendall(head + body[:len(body) // 2])
    return slow


def test_a_body_stalled_midway_gets_408_within_the_body_bound(start_gateway, admin_token):
    port = start_gateway()
    slow = stall_a_body(port, admin_token)
    stalled_at = time.monotonic()
    assert another_client_is_served(port)
    assert not_answered_yet(slow)
    response, _ = answer_of(slow, BOUND + MARGIN)
    assert_408(response, "body")
    assert time.monotonic() - stalled_at <= BOUND + MARGIN
    closed_within(slow, MARGIN)  # the rest of the body is not waited for


def test_an_upload_stalled_midway_gets_408_and_leaves_no_dataset(start_gateway, admin_token):
    port = start_gateway(IngestService)
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {admin_token}"}
    data = RPW_QUOTES.read_bytes()
    slow = connect(port)  # streamed through a worker: one chunk reaches ingest before the pause
    slow.sendall((f"POST /api/v1/datasets?kind=rpw-quotes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Authorization: Bearer {admin_token}\r\nContent-Length: {len(data)}\r\n\r\n").encode()
                 + data[:CHUNK_BYTES + 65536])
    stalled_at = time.monotonic()
    assert another_client_is_served(port)
    assert not_answered_yet(slow)
    assert_408(answer_of(slow, BOUND + MARGIN)[0], "body")
    assert time.monotonic() - stalled_at <= BOUND + MARGIN
    assert requests.get(f"{base}/api/v1/datasets", headers=auth, timeout=30).json()["items"] == []
    whole = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=data, headers=auth,
                          timeout=120)
    assert whole.status_code == 202 and not whole.json().get("duplicate")


def test_more_stalled_bodies_than_workers_keep_no_other_client_waiting(start_gateway, admin_token):
    port = start_gateway(max_workers=2)
    stalled = [stall_a_body(port, admin_token) for _ in range(3)]
    assert another_client_is_served(port)
    assert all(not_answered_yet(slow) for slow in stalled)
    for slow in stalled:
        assert_408(answer_of(slow, BOUND + MARGIN)[0], "body")


def test_clients_that_vanish_at_any_point_leave_the_gateway_serving(start_gateway, admin_token):
    port = start_gateway()
    head, body = credential_request(admin_token)
    request = head + body
    cuts = (0, 10, len(head) // 2, len(head), len(head) + len(body) // 2, len(request))
    for cut in cuts:
        for reset in (False, True):  # a FIN, or an RST (SO_LINGER 0)
            connection = connect(port)
            connection.sendall(request[:cut])
            eventlet.sleep(0.05)  # the server is reading when the client goes
            if reset:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
    late = stall_a_body(port, admin_token)  # gone about when its 408 is written
    eventlet.sleep(BOUND)
    late.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    late.close()
    assert another_client_is_served(port)


def test_an_idle_connection_is_closed_within_the_idle_bound(start_gateway):
    port = start_gateway()
    silent = connect(port)
    assert another_client_is_served(port)
    assert closed_within(silent, BOUND + MARGIN) <= BOUND + MARGIN

    kept_alive = connect(port)  # served once, then silent
    kept_alive.sendall(READ.encode())
    response, _ = answer_of(kept_alive, 30)
    assert response.status == 200 and response.getheader("Connection") != "close"
    assert closed_within(kept_alive, BOUND + MARGIN) <= BOUND + MARGIN


def test_connections_past_the_limit_per_address_are_closed_while_other_addresses_are_served(start_gateway):
    port = start_gateway(HTTP_MAX_CONNECTIONS_PER_ADDRESS=3, HTTP_IDLE_TIMEOUT_SECONDS=60)
    held = []
    for _ in range(3):  # each served once and kept alive: all three are open on the server's side
        connection = connect(port)
        connection.sendall(READ.encode())
        assert answer_of(connection, 30)[0].status == 200
        held.append(connection)

    extra = connect(port)
    extra.sendall(READ.encode())
    assert answer_of(extra, MARGIN)[0] is None  # closed without an answer, not after the idle bound
    assert another_client_is_served(port, source="127.0.0.2")

    held.pop().close()  # one fewer from this address: a new one is served again
    wait_for(lambda: _served(port), timeout=BOUND + MARGIN, what="a connection admitted again")
    for connection in held:
        connection.close()


def _served(port):
    with connect(port) as connection:
        connection.sendall(READ.encode())
        response, _ = answer_of(connection, 30)
    return response is not None and response.status == 200
