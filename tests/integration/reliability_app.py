"""Two small services that exercise the shared reliability primitives exactly
as the real services use them: a producer that changes state and emits through
its outbox, and a consumer that applies each event once and retries, then
dead-letters, when it fails."""
import eventlet
from mongoengine import IntField, StringField
from nameko.rpc import rpc

from observatory.events import new_event, parse_event
from observatory.idempotency import IdempotentDocument, OutboxDocument, apply_once, collection_of
from observatory.mongo import MongoStore
from observatory.outbox import OutboxDispatcher, OutboxRelay, with_outbox
from observatory.reliable_events import reliable_event_handler

ALIAS = "reliability"
ATTEMPTS = 3


class Counter(OutboxDocument):
    meta = {"db_alias": ALIAS}
    id = StringField(primary_key=True)
    value = IntField(default=0)


class Tally(IdempotentDocument):
    meta = {"db_alias": ALIAS}
    id = StringField(primary_key=True)
    seen = IntField(default=0)


class Behaviour:
    """What the consumer does, switchable by the tests."""
    fail = False
    block = None  # an eventlet.Event to wait on after applying the effect
    deliveries = []  # event ids, one per delivery


class Producer(OutboxRelay):
    name = "producer"
    store = MongoStore(ALIAS, "reliability_tests")
    outbox = OutboxDispatcher(ALIAS)

    @rpc
    def bump(self, counter_id):
        event = new_event("counter.bumped", self.name, {"counter_id": counter_id})
        Counter._get_collection().update_one({"_id": counter_id}, with_outbox({"$inc": {"value": 1}}, event),
                                             upsert=True)
        self.outbox.flush(Counter, counter_id)
        return event["event_id"]


class Consumer:
    name = "consumer"
    store = MongoStore(ALIAS, "reliability_tests")

    @reliable_event_handler("producer", "counter.bumped", attempts=ATTEMPTS)
    def on_bumped(self, payload):
        event = parse_event(payload)
        Behaviour.deliveries.append(event["event_id"])
        if Behaviour.fail:
            raise RuntimeError("downstream is broken")
        apply_once(collection_of(Tally), event["event_id"], {"_id": event["data"]["counter_id"]}, {"$inc": {"seen": 1}},
                   upsert=True)
        if Behaviour.block is not None:
            Behaviour.block.wait()  # "crash" point: effect applied, message not yet acked


def reset_behaviour():
    Behaviour.fail = False
    Behaviour.block = None
    Behaviour.deliveries = []
    eventlet.sleep(0)
