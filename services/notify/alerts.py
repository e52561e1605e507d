"""From a bus event to notifications and deliveries, idempotently: a
notification's id is derived from the event and the subscription, and it and
its delivery are inserted (a duplicate key means "already done"), so a
redelivered event, or one re-run after a crash, adds nothing.

``plan`` decides over plain values what an event creates for its candidate
subscriptions; ``apply_event`` finds the candidates and has the store insert it."""
import collections

from observatory.clock import iso, utcnow
from services.notify import matching

DELIVERED_CHANNELS = ("webhook", "email")  # a feed-only subscription is read from its notifications

# A notification to store, and its delivery when one is to be sent at once (else None).
Notice = collections.namedtuple("Notice", "notification delivery")


def delivery_id(notification_id):
    return f"dlv_{notification_id[4:]}"


def new_delivery(id_, notification_id, subscription, now, **extra):
    """A delivery, due now, of a notification (or a digest: ``extra``) through the subscription's channel."""
    return {"_id": id_, "notification_id": notification_id, **extra,
            "subscription_id": subscription["_id"], "subscriber_id": subscription["subscriber_id"],
            "channel": subscription["channel"]["type"], "status": "pending", "attempts": [],
            "next_attempt_at": now, "lease_until": None, "claimed_by": None, "created_at": now}


def _notification(envelope, subscription, subscriber_type, data, now):
    return {"_id": matching.notification_id(envelope["event_id"], subscription["_id"], subscriber_type),
            "subscription_id": subscription["_id"], "subscriber_id": subscription["subscriber_id"],
            "event_id": envelope["event_id"], "type": subscriber_type, "occurred_at": iso(envelope["occurred_at"]),
            "data": data, "created_at": now}


def sent_at_once(subscription):
    return subscription["channel"]["type"] in DELIVERED_CHANNELS and subscription.get("cadence") == "immediate"


def plan(envelope, candidates, now):
    """The ``Notice``s an event makes for its candidate subscriptions (those
    ``matching.candidate_query`` found): one per subscription and subscriber
    type it is to be told, with a delivery when it is sent at once."""
    notices = []
    for subscription in candidates:
        for subscriber_type, data in matching.notices(subscription, envelope["type"], envelope["data"]):
            notification = _notification(envelope, subscription, subscriber_type, data, now)
            delivery = (new_delivery(delivery_id(notification["_id"]), notification["_id"], subscription, now)
                        if sent_at_once(subscription) else None)
            notices.append(Notice(notification, delivery))
    return notices


def apply_event(store, envelope, deliveries=None):
    """Create one notification per (event, matching subscription) and its
    delivery. Returns the ids of the notifications this call created; the ids
    of the deliveries it created are appended to ``deliveries`` when given."""
    candidates = store.active_subscriptions_to(*matching.candidate_query(envelope["type"], envelope["data"]))
    created = []
    for notice in plan(envelope, candidates, utcnow()):
        if store.add_notification(notice.notification):
            created.append(notice.notification["_id"])
        # inserted even when the notification was there: a crash could have come between the two
        if notice.delivery and store.add_delivery(notice.delivery) and deliveries is not None:
            deliveries.append(notice.delivery["_id"])
    return created
