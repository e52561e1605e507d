"""The platform on a three-node RabbitMQ cluster with quorum queues: a node
killed with ``kill -9`` in the middle of an import or of webhook deliveries
costs nothing — the dataset completes, every corridor-quarter still equals
the World Bank's official series, no event is lost or applied twice
downstream, and every webhook is delivered once with its one webhook-id."""
import csv
import threading
import time

import eventlet
import pytest
import requests
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.models import Delivery
from services.notify.service import NotifyService
from tests.cluster.conftest import leader_of, management_queues
from tests.conftest import wait_for
from tests.ingest_files import (
    DATABANK,
    RPW_QUOTES,
    corridor_quarters_off_the_official_series,
    official_corridor_quarters,
    quarter_of_quotes,
)
from tests.integration.test_notify_instances import CORRIDORS, corridor_changed, subscribe
from tests.live import import_datasets, services_on
from tests.notify_helpers import Receiver

pytestmark = [pytest.mark.broker, pytest.mark.cluster, pytest.mark.timeout(600)]
ADMIN = "obs_cluster-admin-token-0123456789abcdefghijklmnopqrst"
OPERATOR = {"Authorization": f"Bearer {ADMIN}"}
REPLICATED = {"QUORUM_REPLICAS": 3}


def upload(base, path, kind):
    answer = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=path.read_bytes(), timeout=120,
                           headers={**OPERATOR, "X-Filename": path.name})
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def dataset(base, dataset_id):
    """The dataset's answer; {} while the gateway answers 503 (a node just died: it fails over)."""
    answer = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=OPERATOR, timeout=30)
    return answer.json() if answer.status_code == 200 else {}


def corridor_periods_and_firms():
    pairs, firms = set(), set()
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pairs.add((row["period"][:4] + "Q" + row["period"][5], row["source"], row["destination"]))
            firms.add(row["firm"])
    return pairs, firms


def test_an_import_survives_the_kill_of_the_node_leading_its_queue(cluster, cluster_vhost):
    amqp_uri, vhost = cluster_vhost
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with services_on(amqp_uri, services, ADMIN, MAX_UPLOAD_BYTES=16 * 1024 * 1024, **REPLICATED) as base:
        requests.post(f"{base}/api/v1/subscribers", headers=OPERATOR, timeout=30,
                      json={"id": "ministry", "name": "Ministry of Finance", "country": "NPL"}).raise_for_status()
        token = requests.post(f"{base}/api/v1/credentials", headers=OPERATOR, timeout=30,
                              json={"role": "subscriber", "subscriber_id": "ministry"}).json()["token"]
        mine = {"Authorization": f"Bearer {token}"}
        requests.post(f"{base}/api/v1/subscriptions", headers=mine, timeout=30, json={
            "event_types": ["corridor.cost.changed"], "channel": {"type": "feed"}}).raise_for_status()

        dataset_id = upload(base, RPW_QUOTES, "rpw-quotes")
        wait_for(lambda: dataset(base, dataset_id).get("status") not in (None, "queued"), timeout=30, interval=0.05,
                 what="the import to start")
        victim = leader_of(vhost, "ingest.dataset.import")
        cluster.kill(victim)  # mid-import: its queue's leader, with the import's message unacknowledged
        def settled():
            answer = dataset(base, dataset_id)
            return answer if answer.get("status") in ("completed", "failed") else None

        finished = wait_for(settled, timeout=240, interval=0.5, what="the import")
        assert finished["status"] == "completed" and finished["rows_accepted"] == 25_516, finished
        import_datasets(base, ADMIN, [(DATABANK, "rpw-corridor-averages")])

        expected = official_corridor_quarters()
        wrong, checked = corridor_quarters_off_the_official_series(base, expected)
        assert wrong == [] and checked == len(expected) == 1942

        pairs, firms = corridor_periods_and_firms()

        def feed():
            items, cursor = [], None
            while True:
                page = requests.get(f"{base}/api/v1/notifications", headers=mine, timeout=30,
                                    params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
                items += page["items"]
                cursor = page.get("next_cursor")
                if not cursor:
                    return items

        wait_for(lambda: len(feed()) >= len(pairs), timeout=120, interval=1, what="notify to hear every corridor")
        time.sleep(3)  # a relay round and a redelivery or two: nothing more may arrive
        heard = [(n["data"]["period"], n["data"]["source"], n["data"]["destination"]) for n in feed()]
        assert len(heard) == len(set(heard)) == len(pairs) and set(heard) == pairs  # none lost, none twice
        unknown = [f for f in sorted(firms) if requests.get(f"{base}/api/v1/providers", params={"alias": f},
                                                            timeout=30).json().get("total", 0) == 0]
        assert unknown == [], "every firm of the file reached the catalog"
        print(f"\nkilled {victim} (leader of ingest.dataset.import) mid-import; {checked} corridor-quarters "
              f"equal the official series; {len(heard)} corridor events heard once each")


def deliver_across(cluster_vhost, disturb):
    """Two notify instances deliver webhooks for 30 corridor events while
    ``disturb(vhost)`` happens with the first webhooks in flight; returns
    (what ``disturb`` did, deliveries, webhook-ids received) once all are delivered."""
    amqp_uri, vhost = cluster_vhost
    config = {"AMQP_URI": amqp_uri, "MONGODB_URI": "", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
              "NOTIFY_DELIVERY_SECONDS": 0.1, "WEBHOOK_TIMEOUT_SECONDS": 2, "NOTIFY_LEASE_SECONDS": 3,
              "WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2,0.2", **REPLICATED}
    receiver = Receiver()
    receiver.hold = threading.Event()  # the first webhooks wait: in flight when the broker is disturbed
    runners = []
    try:
        for _ in range(2):
            runners.append(ServiceRunner(config))
            runners[-1].add_service(NotifyService)
            runners[-1].start()
        subscribe(receiver, CORRIDORS)
        dispatch = event_dispatcher(config)
        for source, destination in CORRIDORS:
            dispatch("ingest", "corridor.cost.changed", corridor_changed(source, destination))
        wait_for(lambda: len(receiver.received) >= 1, timeout=30, what="a webhook in flight")
        done = disturb(vhost)
        receiver.hold.set()
        wait_for(lambda: Delivery._get_collection().count_documents({"status": "delivered"}) == len(CORRIDORS),
                 timeout=120, what="every delivery")
        eventlet.sleep(2)  # redeliveries after the disturbance, if any, have arrived by now
        deliveries = list(Delivery._get_collection().find())
        assert all(ok for _, _, ok in receiver.received)
        return done, deliveries, [headers["webhook-id"] for headers, _, _ in receiver.received]
    finally:
        receiver.hold.set()
        for runner in runners:
            runner.stop()
        receiver.close()


def assert_each_delivered_once(deliveries, ids):
    assert len(deliveries) == len(CORRIDORS)  # one per event: none lost, none applied twice
    assert all(sum(1 for a in d["attempts"] if a["status_code"] == 200) == 1 for d in deliveries)
    assert set(ids) == {d["notification_id"] for d in deliveries}  # every one arrived, under its own id


def test_two_notify_instances_deliver_each_webhook_once_across_a_node_kill(cluster, cluster_vhost):
    def kill_the_leader(vhost):
        victim = leader_of(vhost, "evt-ingest-corridor.cost.changed--notify.on_corridor_cost_changed")
        cluster.kill(victim)
        return victim

    victim, deliveries, ids = deliver_across(cluster_vhost, kill_the_leader)
    assert_each_delivered_once(deliveries, ids)
    print(f"\nkilled {victim}; {len(deliveries)} deliveries, {len(ids)} requests received "
          f"({len(ids) - len(set(ids))} retries, each with its webhook-id)")


def test_two_notify_instances_deliver_each_webhook_once_across_a_healed_partition(cluster, cluster_vhost):
    def cut_off_the_leader(vhost):
        victim = leader_of(vhost, "evt-ingest-corridor.cost.changed--notify.on_corridor_cost_changed")
        cluster.partition(victim)
        wait_for(cluster.partitions, timeout=30, interval=0.5, what="RabbitMQ to see the partition")
        return victim

    victim, deliveries, ids = deliver_across(cluster_vhost, cut_off_the_leader)
    healed = cluster.heal(victim, seconds=90)
    assert_each_delivered_once(deliveries, ids)
    print(f"\ncut {victim} off, {healed}; {len(deliveries)} deliveries, {len(ids)} requests received")


def test_every_gateway_drops_its_reads_on_a_release_even_across_a_node_kill(cluster, cluster_vhost, tmp_path):
    amqp_uri, vhost = cluster_vhost
    first, second = tmp_path / "rpw_2011q1.csv", tmp_path / "rpw_2011q3.csv"
    first.write_bytes(quarter_of_quotes("2011_1Q"))
    second.write_bytes(quarter_of_quotes("2011_3Q"))
    with services_on(amqp_uri, (GatewayService, IngestService), ADMIN, **REPLICATED) as writer, \
            services_on(amqp_uri, (GatewayService,), ADMIN, **REPLICATED) as reader:
        import_datasets(writer, ADMIN, [(first, "rpw-quotes")])  # through the first gateway only

        def periods():
            answer = requests.get(f"{reader}/api/v1/indicators", timeout=30)
            return answer.json()["available_periods"] if answer.status_code == 200 else None

        wait_for(lambda: periods() == ["2011Q1"], timeout=30, what="the second gateway to read the release")
        assert periods() == ["2011Q1"]  # kept in its read model
        queues = [q["name"] for q in management_queues(vhost) if q["name"].startswith(
            "evt-ingest-dataset.published--gateway.on_dataset_published-")]
        assert len(queues) == 2, queues  # one per gateway instance: each hears every release
        victim = leader_of(vhost, queues[0])
        cluster.kill(victim)
        # a caller may get a 503 (Retry-After) while the gateway fails over to the next node
        wait_for(lambda: requests.get(f"{writer}/api/v1/datasets", headers=OPERATOR, timeout=30).status_code == 200,
                 timeout=60, interval=0.5, what="the first gateway to fail over")
        import_datasets(writer, ADMIN, [(second, "rpw-quotes")], timeout=180)
        # the reader never saw the dataset answer: only the broadcast event can refresh it
        wait_for(lambda: periods() == ["2011Q1", "2011Q3"], timeout=60, what="the reader's read model to drop")
        print(f"\nkilled {victim}; both gateways served 2011Q3 after the release")
