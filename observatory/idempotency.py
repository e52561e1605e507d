"""Apply an event's effect to one document exactly once (DESIGN §6).

The effect and the record of the event id go into ONE conditional
single-document update: the filter says "and this event was not applied yet",
the update applies the effect and pushes the event id. A redelivered message
matches nothing and changes nothing. No transactions needed, so it behaves the
same on MongoDB and on mongomock.
"""
import mongoengine
from mongoengine import DictField, Document, ListField, StringField
from pymongo.errors import DuplicateKeyError

# How many recent event ids a document remembers. Redeliveries arrive within
# seconds to hours of the original; 500 covers that without growing forever.
REMEMBERED_EVENTS = 500


class IdempotentDocument(Document):
    """A document that applies events or requests once (``apply_once``)."""

    meta = {"abstract": True}

    applied_events = ListField(StringField())  # idempotency record


class OutboxDocument(IdempotentDocument):
    """A document whose writes also emit events: they wait in ``outbox`` until
    the relay publishes them (observatory.outbox). Every concrete subclass is
    relayed by its service's ``OutboxDispatcher``, found by its ``db_alias``."""

    meta = {"abstract": True}

    outbox = ListField(DictField())  # events pending publication


def outbox_documents(db_alias):
    """The concrete outbox document classes stored under ``db_alias``, by name."""
    found, pending = {}, list(OutboxDocument.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls._meta.get("abstract") and cls._meta.get("db_alias") == db_alias:
            found[cls.__name__] = cls
    return [found[name] for name in sorted(found)]


def merge_updates(*updates):
    """Merge raw Mongo update documents operator by operator."""
    merged = {}
    for update in updates:
        for operator, fields in update.items():
            target = merged.setdefault(operator, {})
            overlap = set(target) & set(fields)
            if overlap:
                raise ValueError(f"field(s) {sorted(overlap)} updated twice with {operator}")
            target.update(fields)
    return merged


def collection_of(document_cls, db=None):
    """The pymongo collection of ``document_cls``: in ``db``, or in the
    database its store alias is connected to."""
    meta = document_cls._meta
    return (db if db is not None else mongoengine.get_db(meta["db_alias"]))[meta["collection"]]


def apply_once(collection, event_id, query, update, upsert=False):
    """Apply raw ``update`` to the one document matching ``query`` unless it
    has already applied ``event_id``. Returns True when the effect was applied.

    With ``upsert=True`` the query must name a unique key (``_id``): when the
    document exists and already applied the event, the filter misses, the
    upsert collides with the existing key, and that means "already applied".
    """
    event_id = str(event_id)
    record = {"$push": {"applied_events": {"$each": [event_id], "$slice": -REMEMBERED_EVENTS}}}
    guarded = dict(query, applied_events={"$ne": event_id})
    try:
        result = collection.update_one(guarded, merge_updates(update, record), upsert=upsert)
    except DuplicateKeyError:
        return False
    return result.modified_count == 1 or result.upserted_id is not None
