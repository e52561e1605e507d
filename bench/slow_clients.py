"""Benchmark: a client's reads while slow clients hold connections to the same gateway.

    .venv/bin/python bench/slow_clients.py [--slow 120] [--requests 300]

Starts the platform as `make run` does (supervisord, separate processes, the
real broker, default bounds of gateway/server.py), then times sequential
`GET /api/v1` answers, each on a new connection: first alone (the baseline,
measured in the same run), then while ``--slow`` slow clients are held, a
third each dribbling headers a line a second, stalling a JSON body halfway
and idling. They come from 127.0.0.2 upwards, 40 an address (under the limit
per address). Prints p50 and p99 of both runs and their ratio, then how each
kind of slow client ended and after how long. Asserts nothing. Goal (issue
17): p99 while they are held within 2x the baseline's (were small bodies not
read before a worker is taken, more stalled bodies than `max_workers` would
hold every worker); every slow client answered 408 or closed within its
bound plus a second.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from platform_runner import running_platform  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
PER_ADDRESS = 40
BODY = json.dumps({"role": "subscriber", "subscriber_id": "mof-nepal", "label": "Ministry of Finance"}).encode()


def read_ms(port):
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/api/v1")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000


def reads(port, count):
    times = sorted(read_ms(port) for _ in range(count))
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def slow_client(port, kind, number, outcomes):
    connection = socket.socket()
    connection.bind((f"127.0.0.{2 + number // PER_ADDRESS}", 0))
    connection.connect(("127.0.0.1", port))
    started = time.monotonic()
    if kind == "dribbled headers":
        eventlet.spawn(_dribble, connection)
    elif kind == "stalled body":
        connection.sendall((f"POST /api/v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                            f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n").encode()
                           + BODY[:len(BODY) // 2])
    connection.settimeout(300)
    try:
        first = connection.recv(64)
    except OSError:
        first = b""
    outcomes.append((kind, first.split(b"\r\n")[0].decode() or "closed", time.monotonic() - started))
    connection.close()


def _dribble(connection):
    try:
        connection.sendall(b"GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for line in range(300):
            eventlet.sleep(1)
            connection.sendall(f"X-Line-{line}: {line}\r\n".encode())
    except OSError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=120)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    kinds = ("dribbled headers", "stalled body", "idle")
    with running_platform(TOKEN, "bench-slow", RATE_LIMIT_ANONYMOUS="off", RATE_LIMIT_TOKEN="off") as base:
        port = int(base.rsplit(":", 1)[1])
        read_ms(port)  # warm
        alone = reads(port, args.requests)
        outcomes = []
        pool = eventlet.GreenPool(args.slow + 1)
        for number in range(args.slow):
            pool.spawn(slow_client, port, kinds[number % 3], number, outcomes)
        eventlet.sleep(1)  # all connected, heads and bodies begun
        held = reads(port, args.requests)
        still_held = args.slow - len(outcomes)
        pool.waitall()
    print(f"{args.requests} sequential GET /api/v1, each on a new connection\n")
    print(f"{'':34} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'alone (baseline)':34} {alone[0]:8.2f} {alone[1]:8.2f}")
    print(f"{f'{args.slow} slow clients held':34} {held[0]:8.2f} {held[1]:8.2f}")
    print(f"{'ratio':34} {held[0] / alone[0]:8.2f} {held[1] / alone[1]:8.2f}")
    print(f"\nslow clients still held when the reads ended: {still_held} of {args.slow}")
    for kind in kinds:
        ended = [(how, seconds) for k, how, seconds in outcomes if k == kind]
        answers = sorted({how for how, _ in ended})
        print(f"{kind:18} {', '.join(answers):40} after {min(s for _, s in ended):5.1f}"
              f"-{max(s for _, s in ended):5.1f} s")
    print("\nbounds (defaults): head 10 s from its first byte, idle 20 s, body silence 30 s")
    print("goal: p99 ratio <= 2; every slow client 408 or closed within its bound + 1 s")


if __name__ == "__main__":
    main()
