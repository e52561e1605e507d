"""What the notify unit test modules share: a fresh store per test (a
``NotifyStore`` on the in-process mongomock database), a local receiver, a
corridor event, and a subscription to it."""
import dataclasses
import uuid

import mongoengine
import pytest

from observatory.contracts.notify import SubscriptionCreateSchema
from observatory.mongo import connect_store
from services.notify import delivery, subscriptions
from services.notify.addresses import AddressPolicy
from services.notify.store import STORE_ALIAS, NotifyStore
from tests.notify_helpers import Receiver
from tests.unit.notify_events import corridor_event  # noqa: F401 (shared with the modules that use these)

LOCAL = AddressPolicy(allow_private=True)  # the receivers of these tests listen on 127.0.0.1
FAST = delivery.DeliverySettings(schedule=(0, 0, 0), timeout_seconds=5, addresses=LOCAL, jitter=0)
ONE_TRY = dataclasses.replace(FAST, schedule=(3600,))  # a failed attempt waits: one attempt per test
SAU_NPL = [{"source": "SAU", "destination": "NPL"}]


@pytest.fixture(autouse=True)
def store():
    """A fresh in-process store, connected as the service connects it (``MongoStore``)."""
    mongoengine.disconnect(STORE_ALIAS)
    connect_store(STORE_ALIAS, f"notify_{uuid.uuid4().hex[:8]}")
    store = NotifyStore(mongoengine.get_db(STORE_ALIAS))
    store.ensure_indexes()
    return store


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    if receiver.hold is not None:
        receiver.hold.set()
    receiver.close()


def subscribe(store, receiver, addresses=LOCAL, url=None, **wanted):
    """A webhook subscription to ``receiver`` (at ``url``, when the test names it otherwise)."""
    subscriber = subscriptions.create_subscriber(store, {"name": "Ministry of Finance", "country": "NPL"})
    request = SubscriptionCreateSchema().load({"event_types": ["corridor.cost.threshold_crossed"],
                                               "channel": {"type": "webhook", "url": url or receiver.url}, **wanted})
    created = subscriptions.create_subscription(store, subscriber["id"], request, addresses)
    receiver.secrets.append(created["secret"])
    return created


def only_delivery(store, subscription):
    return store.deliveries.find_one({"subscription_id": subscription["id"]})
