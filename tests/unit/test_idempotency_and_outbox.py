"""Idempotent apply and outbox bookkeeping on the mongomock store (no broker)."""
import pytest
from mongoengine import IntField, StringField

from observatory.events import new_event
from observatory.idempotency import REMEMBERED_EVENTS, OutboxDocument, apply_once, collection_of, merge_updates
from observatory.mongo import connect_store
from observatory.outbox import OutboxPublisher, with_outbox


class Account(OutboxDocument):
    meta = {"db_alias": "unit"}
    id = StringField(primary_key=True)
    balance = IntField(default=0)


@pytest.fixture(autouse=True)
def store():
    connect_store("unit", "unit_tests")


def test_an_event_applied_twice_changes_state_once():
    assert apply_once(collection_of(Account), "e1", {"_id": "a"}, {"$inc": {"balance": 5}}, upsert=True) is True
    assert apply_once(collection_of(Account), "e1", {"_id": "a"}, {"$inc": {"balance": 5}}, upsert=True) is False
    assert apply_once(collection_of(Account), "e2", {"_id": "a"}, {"$inc": {"balance": 5}}, upsert=True) is True
    assert Account.objects.get(id="a").balance == 10


def test_the_record_of_applied_events_is_bounded():
    for i in range(REMEMBERED_EVENTS + 20):
        apply_once(collection_of(Account), f"e{i}", {"_id": "a"}, {"$inc": {"balance": 1}}, upsert=True)
    account = Account.objects.get(id="a")
    assert account.balance == REMEMBERED_EVENTS + 20
    assert len(account.applied_events) == REMEMBERED_EVENTS
    assert account.applied_events[-1] == f"e{REMEMBERED_EVENTS + 19}"


def test_merge_updates_refuses_to_update_a_field_twice():
    assert merge_updates({"$inc": {"a": 1}}, {"$inc": {"b": 1}}) == {"$inc": {"a": 1, "b": 1}}
    with pytest.raises(ValueError):
        merge_updates({"$set": {"a": 1}}, {"$set": {"a": 2}})


def test_outbox_keeps_events_until_they_are_published():
    event = new_event("account.credited", "unit", {"account": "a"})
    Account._get_collection().update_one({"_id": "a"}, with_outbox({"$inc": {"balance": 1}}, event), upsert=True)
    assert Account.objects.get(id="a").outbox == [event]

    def broker_down(event_type, payload):
        raise ConnectionError("broker down")

    assert OutboxPublisher(broker_down, [Account]).flush(Account, "a") == 0
    assert Account.objects.get(id="a").outbox == [event]

    published = []
    publisher = OutboxPublisher(lambda t, p: published.append((t, p)), [Account])
    assert publisher.flush_all() == 1
    assert published == [("account.credited", event)]
    assert Account.objects.get(id="a").outbox == []
    assert publisher.flush_all() == 0
