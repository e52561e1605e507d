"""Two notify instances on one store and the real broker: every attempt is
sent once; an instance killed while its request is in flight is followed by
exactly one successful delivery, with the same webhook-id."""
import threading

import mongoengine
import pytest
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher

from observatory.contracts.notify import SubscriptionCreateSchema
from observatory.events import new_event
from services.notify import subscriptions
from services.notify.addresses import AddressPolicy
from services.notify.service import NotifyService
from services.notify.store import STORE_ALIAS, NotifyStore
from tests.conftest import wait_for
from tests.notify_helpers import Receiver
from tests.unit.notify_common import receiver  # noqa: F401  (the fixture)

pytestmark = pytest.mark.broker



@pytest.fixture
def notify_config(rabbit_config):
    return {**rabbit_config, "MONGODB_URI": "", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
            "NOTIFY_DELIVERY_SECONDS": 0.1, "WEBHOOK_TIMEOUT_SECONDS": 2, "NOTIFY_LEASE_SECONDS": 3,
            "WEBHOOK_RETRY_SCHEDULE": "0.2,0.2"}


def instance(config):
    runner = ServiceRunner(config)
    runner.add_service(NotifyService)
    runner.start()
    return runner


def shared_store():
    """The store the running instances share (the in-process one, connected by the first to start)."""
    return NotifyStore(mongoengine.get_db(STORE_ALIAS))


def deliveries():
    return shared_store().deliveries


def subscribe(receiver, corridors):
    store = shared_store()
    subscriber = subscriptions.create_subscriber(store, {"name": "Ministry", "country": "NPL"})
    request = SubscriptionCreateSchema().load({
        "event_types": ["corridor.cost.changed"], "corridors": [{"source": s, "destination": d} for s, d in corridors],
        "channel": {"type": "webhook", "url": receiver.url}})
    receiver.secrets.append(subscriptions.create_subscription(store, subscriber["id"], request,
                                                              AddressPolicy(allow_private=True))["secret"])


def corridor_changed(source, destination):
    return new_event("corridor.cost.changed", "ingest", {
        "source": source, "destination": destination, "period": "2014Q1", "dataset_id": "0123456789abcdef",
        "average_total_cost_pct": 6.0, "smart_average_pct": None, "quotes_transparent": 4, "revised_from_pct": None,
        "previous_period": "2013Q4", "previous_period_average_pct": 5.5})


CORRIDORS = [(s, d) for s in ("ARE", "SAU", "USA", "GBR", "QAT") for d in ("NPL", "BGD", "PHL", "IND", "PAK", "LKA")]


def test_two_instances_send_each_attempt_once(notify_config, receiver):
    first, second = instance(notify_config), instance(notify_config)
    try:
        subscribe(receiver, CORRIDORS)
        dispatch = event_dispatcher(notify_config)
        for source, destination in CORRIDORS:
            dispatch("ingest", "corridor.cost.changed", corridor_changed(source, destination))
        wait_for(lambda: deliveries().count_documents({"status": "delivered"}) == len(CORRIDORS),
                 timeout=60, what="every delivery")
        ids = [headers["webhook-id"] for headers, _, _ in receiver.received]
        assert len(ids) == len(set(ids)) == len(CORRIDORS), "each attempt sent once"
        assert all(ok for _, _, ok in receiver.received)
        senders = {d["claimed_by"] for d in deliveries().find()}
        print(f"\n{len(CORRIDORS)} deliveries by {len(senders)} instance(s)")
    finally:
        first.stop()
        second.stop()


def test_an_instance_killed_mid_delivery_is_followed_by_exactly_one_success(notify_config, receiver):
    receiver.hold = threading.Event()
    doomed = instance(notify_config)
    survivor = None
    try:
        subscribe(receiver, [("ARE", "NPL")])
        event_dispatcher(notify_config)("ingest", "corridor.cost.changed", corridor_changed("ARE", "NPL"))
        wait_for(lambda: receiver.received, timeout=30, what="the first attempt to reach the receiver")
        doomed.kill()  # the request is in flight, its answer never read
        receiver.hold.set()
        receiver.hold = None
        survivor = instance(notify_config)
        wait_for(lambda: deliveries().find_one({"status": "delivered"}), timeout=30,
                 what="the survivor to deliver once the dead instance's claim ran out")
        delivered = deliveries().find_one()
        assert [a["status_code"] for a in delivered["attempts"]] == [200], "one successful attempt recorded"
        ids = [headers["webhook-id"] for headers, _, _ in receiver.received]
        assert len(ids) == 2 and len(set(ids)) == 1  # the unanswered one and the success: same webhook-id
    finally:
        if survivor:
            survivor.stop()


def test_a_hanging_receiver_delays_only_itself_in_a_running_instance(notify_config, receiver):
    healthy = Receiver()
    receiver.hold = threading.Event()  # answers only once the test has seen the other delivered
    runner = instance({**notify_config, "WEBHOOK_TIMEOUT_SECONDS": 20, "NOTIFY_LEASE_SECONDS": 30})
    try:
        subscribe(receiver, [("ARE", "NPL")])
        subscribe(healthy, [("ARE", "NPL")])
        event_dispatcher(notify_config)("ingest", "corridor.cost.changed", corridor_changed("ARE", "NPL"))
        wait_for(lambda: receiver.received, timeout=30, what="the hanging receiver's request")
        wait_for(lambda: healthy.received, timeout=1, interval=0.01, what="the healthy receiver's webhook")
        assert not receiver.hold.is_set() and all(ok for _, _, ok in healthy.received)
        receiver.hold.set()
        wait_for(lambda: deliveries().count_documents({"status": "delivered"}) == 2, timeout=30,
                 what="both deliveries recorded")
    finally:
        runner.stop()
        healthy.close()
