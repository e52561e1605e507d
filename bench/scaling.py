"""Benchmark: one and two instances of the service doing the work, on the
single broker and on the local three-node cluster (quorum queues, 3 replicas).

    make bench-scaling     (or: .venv/bin/python bench/scaling.py [--events 300])

Imports: the real RPW quotes split by quarter into nine files, uploaded at
once; ingest instances compete for the import jobs; throughput is rows
accepted per second until the last dataset completes. Webhooks: N
subscriptions, N corridor events, every signed webhook to a local receiver;
throughput is deliveries per second until the last. The instances run in this
process on one in-process store (as the tests run two notify instances),
each a nameko container of its own. Prints figures and ratios; asserts
nothing. On two cores expect the ratio two/one near 1: the CPU, shared by
the instances, the broker and the receiver, is the limit, not the design.
"""
import argparse
import csv
import io
import sys
import time
import uuid
from pathlib import Path

import eventlet

eventlet.monkey_patch()

import mongoengine  # noqa: E402
import requests  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import rabbit_cluster  # noqa: E402
from gateway.service import GatewayService  # noqa: E402
from services.ingest.service import IngestService  # noqa: E402
import mongoengine  # noqa: E402

from services.notify.store import STORE_ALIAS as NOTIFY_STORE, NotifyStore  # noqa: E402
from services.notify.service import NotifyService  # noqa: E402
from tests.cluster.conftest import new_vhost  # noqa: E402
from tests.conftest import SHARED_DATA  # noqa: E402
from tests.integration.test_notify_instances import corridor_changed, subscribe  # noqa: E402
from tests.live import free_port  # noqa: E402
from tests.notify_helpers import Receiver  # noqa: E402

TOKEN = "obs_benchmark-token-0123456789abcdefghijklmnopqrstuv"
QUOTES = SHARED_DATA / "rpw" / "rpw_provider_quotes_2011q1_2014q1.csv"


def quarters():
    """The real quotes, one CSV per quarter."""
    with open(QUOTES, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        column = header.index("period")
        by_period = {}
        for row in reader:
            by_period.setdefault(row[column], []).append(row)
    files = []
    for period, rows in sorted(by_period.items()):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        files.append((period, out.getvalue().encode(), len(rows)))
    return files


def run(amqp_uri, services, **config):
    runner = ServiceRunner({"AMQP_URI": amqp_uri, "MONGODB_URI": "", "OBSERVATORY_ADMIN_TOKEN": TOKEN,
                            "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", "MAX_UPLOAD_BYTES": 16 * 2 ** 20,
                            "RATE_LIMIT_TOKEN": "off", "RATE_LIMIT_ANONYMOUS": "off", **config})
    for service in services:
        runner.add_service(service)
    return runner


def imports_per_second(amqp_uri, instances, files, **config):
    runners = [run(amqp_uri, (GatewayService, IngestService), **config)]
    runners += [run(amqp_uri, (IngestService,), **config) for _ in range(instances - 1)]
    for runner in runners:
        runner.start()
    base = f"http://{runners[0].config['WEB_SERVER_ADDRESS']}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        started = time.perf_counter()
        ids = [requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=data, headers=auth,
                             timeout=120).json()["id"] for _, data, _ in files]
        pending = set(ids)
        while pending:
            eventlet.sleep(0.2)
            pending = {i for i in pending if requests.get(f"{base}/api/v1/datasets/{i}", headers=auth, timeout=30)
                       .json().get("status") not in ("completed", "failed", "needs_review")}
        return sum(rows for _, _, rows in files) / (time.perf_counter() - started)
    finally:
        for runner in runners:
            runner.stop()
        mongoengine.disconnect_all()


def webhooks_per_second(amqp_uri, instances, events, **config):
    config = {"WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1", "NOTIFY_DELIVERY_SECONDS": 0.2, **config}
    runners = [run(amqp_uri, (NotifyService,), **config) for _ in range(instances)]
    receiver = Receiver()
    for runner in runners:
        runner.start()
    try:
        pairs = [(source, destination) for source in ("ARE", "SAU", "USA", "GBR", "QAT", "KWT", "MYS", "JPN", "KOR",
                                                       "ITA") for destination in ("NPL", "BGD", "PHL", "IND", "PAK",
                                                                                  "LKA", "KHM", "MMR", "LAO", "SEN")]
        pairs = (pairs * (events // len(pairs) + 1))[:events]
        subscribe(receiver, sorted(set(pairs)))
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
        started = time.perf_counter()
        for source, destination in pairs:
            dispatch("ingest", "corridor.cost.changed", corridor_changed(source, destination))
        expected = len(pairs)
        while NotifyStore(mongoengine.get_db(NOTIFY_STORE)).deliveries.count_documents({"status": "delivered"}) < expected:
            eventlet.sleep(0.05)
            if time.perf_counter() - started > 300:
                break
        return NotifyStore(mongoengine.get_db(NOTIFY_STORE)).deliveries.count_documents({"status": "delivered"}) / (time.perf_counter() - started)
    finally:
        for runner in runners:
            runner.stop()
        receiver.close()
        mongoengine.disconnect_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    rabbit_cluster.up(say=lambda *a: None)
    files = quarters()
    brokers = [("single broker", "pyamqp://guest:guest@127.0.0.1:5672/{}", 15672, {}),
               ("3-node cluster", None, rabbit_cluster.MANAGEMENT_PORT, {"QUORUM_REPLICAS": 3})]
    print(f"{len(files)} quarterly files of real quotes ({sum(r for _, _, r in files):,} rows); "
          f"{args.events} webhook events\n")
    print(f"{'broker':16} {'work':9} {'one':>10} {'two':>10} {'two/one':>8}")
    results = {}
    for label, template, management, config in brokers:
        name = f"bench-scaling-{uuid.uuid4().hex[:6]}"
        drop = new_vhost(name, port=management)
        uri = template.format(name) if template else rabbit_cluster.amqp_uri(name)
        try:
            for work, measure, unit, amount in (("imports", imports_per_second, "rows/s", files),
                                                ("webhooks", webhooks_per_second, "/s", args.events)):
                one, two = (measure(uri, n, amount, **config) for n in (1, 2))
                results[(label, work)] = (one, two)
                print(f"{label:16} {work:9} {one:8.0f}{unit[-2:]:>2} {two:8.0f}{unit[-2:]:>2} {two / one:8.2f}")
        finally:
            drop()
    for work in ("imports", "webhooks"):
        single, cluster = results[("single broker", work)][0], results[("3-node cluster", work)][0]
        print(f"{work}: the cluster (quorum queues, 3 replicas, confirms) at {cluster / single:.2f}x the single broker")


if __name__ == "__main__":
    main()
