"""From a bus event to notifications and deliveries, idempotently: a
notification's id is derived from the event and the subscription, and it and
its delivery are inserted (a duplicate key means "already done"), so a
redelivered event, or one re-run after a crash, adds nothing."""
from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from services.notify import matching
from services.notify.models import Delivery, Notification, Subscription

DELIVERED_CHANNELS = ("webhook", "email")  # a feed-only subscription is read from its notifications


def candidates(event_type, data):
    """The active subscriptions that can concern the event, through the index."""
    query = {"event_types": {"$in": list(matching.TYPES_FOR.get(event_type, ()))}, "status": "active"}
    keys = matching.event_keys(event_type, data)
    if keys is not None:
        query["match_keys"] = {"$in": keys}
    return Subscription._get_collection().find(query, {"secrets": 0, "applied_events": 0, "outbox": 0})


def delivery_id(notification_id):
    return f"dlv_{notification_id[4:]}"


def apply_event(envelope, deliveries=None):
    """Create one notification per (event, matching subscription) and its
    delivery. Returns the ids of the notifications this call created; the ids
    of the deliveries it created are appended to ``deliveries`` when given."""
    created = []
    for subscription in candidates(envelope["type"], envelope["data"]):
        for subscriber_type, data in matching.notices(subscription, envelope["type"], envelope["data"]):
            notification = _notification(envelope, subscription, subscriber_type, data)
            if _insert(Notification, notification):
                created.append(notification["_id"])
            if subscription["channel"]["type"] in DELIVERED_CHANNELS and subscription.get("cadence") == "immediate":
                if _insert(Delivery, _delivery(notification, subscription)) and deliveries is not None:
                    deliveries.append(delivery_id(notification["_id"]))
    return created


def _notification(envelope, subscription, subscriber_type, data):
    return {"_id": matching.notification_id(envelope["event_id"], subscription["_id"], subscriber_type),
            "subscription_id": subscription["_id"], "subscriber_id": subscription["subscriber_id"],
            "event_id": envelope["event_id"], "type": subscriber_type,
            "occurred_at": envelope["occurred_at"].isoformat() if hasattr(envelope["occurred_at"], "isoformat")
            else envelope["occurred_at"], "data": data, "created_at": utcnow(), "applied_events": [], "outbox": []}


def _delivery(notification, subscription):
    now = utcnow()
    return {"_id": delivery_id(notification["_id"]), "notification_id": notification["_id"],
            "subscription_id": subscription["_id"], "subscriber_id": subscription["subscriber_id"],
            "channel": subscription["channel"]["type"], "status": "pending", "attempts": [],
            "next_attempt_at": now, "lease_until": None, "claimed_by": None, "created_at": now,
            "applied_events": [], "outbox": []}


def _insert(document_cls, doc):
    try:
        document_cls._get_collection().insert_one(doc)
    except DuplicateKeyError:
        return False
    return True
