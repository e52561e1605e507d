"""Benchmark: webhook alerts, from a published import to the receiver.

    make bench-webhooks      (or: .venv/bin/python bench/webhooks.py [--subscriptions 1000])

Starts the platform as `make run` does (supervisord, separate processes, the
real broker; WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 for the local receiver), makes
N webhook subscriptions to `corridor.cost.changed` spread over the corridors
of the real RPW 2014Q1 quotes, imports those quotes (real rows, one quarter:
one event per corridor), and times every signed webhook from the event's
`occurred_at` (the publication) to its arrival at a local receiver. Then one
corridor at a time (real 2013Q4 rows of one corridor) for the single-update
latency. Baseline, measured in the same run: the same number of signed POSTs
sent one after another from this one process to the same receiver.

Then (issue 17) the same again on a fresh platform, each subscription with
an endpoint of its own (``/hook/<n>``), of which one in ten hangs (accepts
and never answers): the time until the other nine in ten are received,
beside that time in the first run, where no endpoint hung.

Prints figures and ratios; asserts nothing. Goals: all delivered in at most
half the baseline's time (issue 9); p95 under 1 s for a single corridor
update; the healthy endpoints served within 1.5x of the run without hanging
ones (issue 17).
"""
import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import bundled_data  # noqa: E402
from platform_runner import running_platform  # noqa: E402

from services.notify import webhooks  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"


HANG_EVERY = 10  # endpoint n hangs when n % 10 == 0 (in the run with hanging endpoints)


class Receiver:
    """Endpoints ``/hook/<n>``; those in ``hanging`` accept a request and never answer."""

    def __init__(self, hanging=()):
        self.arrivals = {}  # webhook-id -> (arrival time, body), of the endpoints that answer
        self.endpoints = {}  # webhook-id -> n of the endpoint /hook/<n> it reached
        self.hanging, self.released = {f"/hook/{n}" for n in hanging}, threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path in receiver.hanging:
                    receiver.released.wait(600)  # until the sender gives up, or the run ends
                    self.close_connection = True
                    return
                with receiver.lock:
                    receiver.arrivals.setdefault(self.headers["webhook-id"], (time.time(), body))
                    receiver.endpoints[self.headers["webhook-id"]] = int(self.path.rsplit("/", 1)[1])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.arrivals)

    def close(self):
        self.released.set()
        self.server.shutdown()


def quotes_file():
    for path in (ROOT / "data" / "rpw", ROOT.parent / "shared" / "data" / "rpw"):
        found = sorted(path.glob("rpw_provider_quotes_*.csv")) if path.exists() else []
        if found:
            return found[0]
    sys.exit("no RPW quotes file found")


def rows_of(path, keep):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        period, source, destination = header.index("period"), header.index("source"), header.index("destination")
        rows = [r for r in reader if keep(r[period], r[source], r[destination])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(), {(r[source], r[destination]) for r in rows}


def api(base, method, path, token=TOKEN, **kwargs):
    response = requests.request(method, base + "/api/v1" + path, headers={"Authorization": f"Bearer {token}"},
                                timeout=120, **kwargs)
    if response.status_code >= 400:
        sys.exit(f"{method} {path}: {response.status_code} {response.text[:300]}")
    return response.json()


def import_bytes(base, data, name):
    dataset = requests.post(base + "/api/v1/datasets", params={"kind": "rpw-quotes"}, data=data, timeout=120,
                            headers={"Authorization": f"Bearer {TOKEN}", "X-Filename": name}).json()
    return bundled_data.wait_until_done(base, TOKEN, dataset["id"])


def latencies(receiver, ids):
    with receiver.lock:
        found = [receiver.arrivals[i] for i in ids if i in receiver.arrivals]
    return sorted(arrived - dt.datetime.fromisoformat(json.loads(body)["occurred_at"]).timestamp()
                  for arrived, body in found)


def percentile(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def wait_for_count(receiver, wanted, timeout):
    deadline = time.monotonic() + timeout
    while receiver.count() < wanted and time.monotonic() < deadline:
        time.sleep(0.05)
    return receiver.count()


def baseline(receiver, count):
    """The same number of signed POSTs, one after another, from this process."""
    secret = webhooks.new_secret()
    started = time.perf_counter()
    for number in range(count):
        body = json.dumps({"id": f"msg_baseline_{number}", "type": "corridor.cost.changed",
                           "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat(), "data": {}}).encode()
        requests.post(f"{receiver.url}/{number}", data=body, headers=webhooks.headers([secret], f"msg_baseline_{number}", body),
                      timeout=10)
    return time.perf_counter() - started


def subscribe_all(base, receiver, count, corridors):
    """``count`` subscriptions, the n-th to corridor n mod len(corridors), at endpoint /hook/<n>."""
    api(base, "POST", "/subscribers", json={"id": "bench", "name": "Benchmark ministry", "country": "NPL"})
    token = api(base, "POST", "/credentials", json={"role": "subscriber", "subscriber_id": "bench"})["token"]
    started = time.perf_counter()
    for number in range(count):
        source, destination = corridors[number % len(corridors)]
        api(base, "POST", "/subscriptions", token, json={
            "event_types": ["corridor.cost.changed"], "corridors": [{"source": source, "destination": destination}],
            "channel": {"type": "webhook", "url": f"{receiver.url}/{number}"}})
    return time.perf_counter() - started


def last_at_never_hanging(receiver, published):
    """Seconds from the publication to the last webhook at an endpoint that
    hangs in neither run (n % HANG_EVERY != 0): the same 900 in both."""
    with receiver.lock:
        return max(at for i, (at, _) in receiver.arrivals.items() if receiver.endpoints[i] % HANG_EVERY) - published


@contextlib.contextmanager
def bulk_run(args, receiver, bulk, corridors):
    """A fresh platform: subscribe, import the bulk quarter, wait for the
    webhooks of the endpoints that answer; yields (base URL, publication time)
    with the platform still running."""
    with running_platform(TOKEN, "bench-webhooks", WEBHOOK_ALLOW_PRIVATE_NETWORKS="1",
                          RATE_LIMIT_TOKEN="off") as base:  # the per-token limit off: 1,000 subscriptions in seconds
        seconds = subscribe_all(base, receiver, args.subscriptions, corridors)
        hanging = f", {len(receiver.hanging)} of their endpoints hanging" if receiver.hanging else ""
        print(f"{args.subscriptions} subscriptions over {len(corridors)} corridors of 2014Q1 "
              f"({seconds:.1f} s to create){hanging}")
        dataset = import_bytes(base, bulk, "rpw_2014q1.csv")
        published = dt.datetime.fromisoformat(dataset["published_at"]).timestamp() \
            if dataset.get("published_at") else time.time()
        wanted = args.subscriptions - len(receiver.hanging)
        got = wait_for_count(receiver, wanted, timeout=600)
        print(f"  {got}/{wanted} webhooks at the endpoints that answer")
        yield base, published


def single_updates(base, receiver, args, source_file, corridors):
    """One corridor at a time (real 2013Q4 rows of it): the latencies of its webhooks."""
    single = []
    for source, destination in corridors[:5]:
        before = receiver.count()
        expected = sum(1 for n in range(args.subscriptions) if corridors[n % len(corridors)] == (source, destination))
        data, _ = rows_of(source_file, lambda period, s, d, pair=(source, destination):
                          period == "2013_4Q" and (s, d) == pair)
        if len(data.splitlines()) < 2:
            continue
        import_bytes(base, data, f"rpw_2013q4_{source}_{destination}.csv")
        wait_for_count(receiver, before + expected, timeout=60)
        single += latencies(receiver, list(receiver.arrivals)[before:])
    return sorted(single)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    args = parser.parse_args()
    source_file = quotes_file()
    bulk, corridors = rows_of(source_file, lambda period, s, d: period == "2014_1Q")
    corridors = sorted(corridors)

    receiver = Receiver()
    with bulk_run(args, receiver, bulk, corridors) as (base, published):
        bulk_latency = latencies(receiver, list(receiver.arrivals))
        last = max(arrived for arrived, _ in receiver.arrivals.values()) - published
        calm = last_at_never_hanging(receiver, published)
        print(f"bulk: {receiver.count()}/{args.subscriptions} webhooks; last one {last:.2f} s after the publication; "
              f"p50 {percentile(bulk_latency, 50):.2f} s, p95 {percentile(bulk_latency, 95):.2f} s")
        single = single_updates(base, receiver, args, source_file, corridors)
        print(f"single corridor updates: {len(single)} webhooks, p50 {percentile(single, 50):.3f} s, "
              f"p95 {percentile(single, 95):.3f} s")
        base_seconds = baseline(receiver, args.subscriptions)
        print(f"baseline: {args.subscriptions} signed POSTs one after another from one process: {base_seconds:.2f} s")
    receiver.close()

    hanging = [n for n in range(args.subscriptions) if n % HANG_EVERY == 0]
    troubled = Receiver(hanging)
    with bulk_run(args, troubled, bulk, corridors) as (_, published):
        stormy = last_at_never_hanging(troubled, published)
        print(f"with {len(hanging)} hanging endpoints: the other {args.subscriptions - len(hanging)} received "
              f"{stormy:.2f} s after the publication (without: {calm:.2f} s)")
    troubled.close()

    print(f"\nratio (time to the last webhook / baseline): {last / base_seconds:.2f}   "
          f"goal: <= 0.5; single-update p95 goal: < 1 s")
    print(f"ratio (the {args.subscriptions - len(hanging)} healthy endpoints, with / without {len(hanging)} hanging): "
          f"{stormy / calm:.2f}   goal: <= 1.5")


if __name__ == "__main__":
    main()
