"""Every query, update and index of the notify service, on its own database.

``NotifyStore(db)`` is built once per container by ``MongoStore`` (db: a
pymongo or mongomock database) and handed to the business modules, which
decide and let it apply. Each write is one single-document conditional
update (or an insert whose duplicate key means "already done"), so every
operation holds on a real MongoDB as on mongomock.
"""
import datetime as dt

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from observatory import leases
from observatory.clock import utcnow
from observatory.idempotency import collection_of
from observatory.pagination import keyset_page
from services.notify.models import STORE_ALIAS, Delivery, Notification, Subscriber, Subscription
from services.notify.store_scheduled_exports import ScheduledExportStore

DB_NAME = "observatory_notify"
__all__ = ["DB_NAME", "STORE_ALIAS", "NotifyStore"]

INDEXES = {
    "subscribers": [IndexModel([("country", ASCENDING)])],
    # an event looks up the subscriptions holding one of its keys, never all of them
    "subscriptions": [IndexModel([("event_types", ASCENDING), ("match_keys", ASCENDING), ("status", ASCENDING)]),
                      IndexModel([("subscriber_id", ASCENDING)])],
    "notifications": [IndexModel([("subscriber_id", ASCENDING), ("created_at", DESCENDING)]),
                      IndexModel([("subscription_id", ASCENDING)])],
    "deliveries": [IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
                   IndexModel([("subscriber_id", ASCENDING), ("created_at", DESCENDING)])],
}
NOT_SHOWN = {"secrets": 0}  # a subscription's secrets leave the store only to sign


def _inserted(collection, doc):
    """Insert ``doc``; False when its id is there already (done before)."""
    try:
        collection.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True


def _only(field, value):
    return {field: value} if value else {}


def _due(now):
    return {"$or": [{"status": {"$in": ["pending", "retrying"]}, "next_attempt_at": {"$lte": now}},
                    {"status": "sending", "lease_until": {"$lte": now}}]}  # its sender died mid-attempt


def _still_ours(delivery):
    return leases.held_by({"_id": delivery["_id"], "status": "sending"}, delivery.get("claimed_by"))


class NotifyStore:
    def __init__(self, db):
        self.subscribers = collection_of(Subscriber, db)
        self.subscriptions = collection_of(Subscription, db)
        self.notifications = collection_of(Notification, db)
        self.deliveries = collection_of(Delivery, db)
        self.scheduled_exports = ScheduledExportStore(db)  # issue 21: store_scheduled_exports.py

    def ensure_indexes(self):
        for name, indexes in INDEXES.items():
            getattr(self, name).create_indexes(indexes)
        self.scheduled_exports.ensure_indexes()

    # -- subscribers -------------------------------------------------------
    def add_subscriber(self, doc):
        """False when a subscriber with its id exists already."""
        return _inserted(self.subscribers, doc)

    def subscriber(self, subscriber_id):
        return self.subscribers.find_one({"_id": subscriber_id})

    def subscribers_page(self, cursor, limit):
        return keyset_page(self.subscribers, {}, cursor, limit)

    # -- subscriptions -----------------------------------------------------
    def add_subscription(self, doc):
        self.subscriptions.insert_one(doc)

    def own_subscription(self, subscriber_id, subscription_id):
        """The subscription if it is this subscriber's (another's is None too)."""
        return self.subscriptions.find_one({"_id": subscription_id, "subscriber_id": subscriber_id})

    def subscriptions_page(self, subscriber_id, status, cursor, limit):
        """One subscriber's subscriptions (everyone's when ``subscriber_id`` is None)."""
        query = {**_only("subscriber_id", subscriber_id), **_only("status", status)}
        return keyset_page(self.subscriptions, query, cursor, limit)

    def delete_subscription(self, subscription_id):
        """Delete it; its deliveries still waiting become "disabled" (never sent)."""
        self.subscriptions.delete_one({"_id": subscription_id})
        self.deliveries.update_many({"subscription_id": subscription_id, "status": {"$in": ["pending", "retrying"]}},
                                    {"$set": {"status": "disabled"}})

    def replace_secrets(self, subscription_id, secrets):
        """Set the subscription's secrets; the subscription as now stored."""
        return self.subscriptions.find_one_and_update({"_id": subscription_id}, {"$set": {"secrets": secrets}},
                                                      return_document=ReturnDocument.AFTER)

    def active_subscriptions_to(self, event_types, match_keys=None):
        """The active subscriptions to any of ``event_types`` holding one of
        ``match_keys`` (None: whatever they hold), found through the index."""
        query = {"event_types": {"$in": list(event_types)}, "status": "active",
                 **({"match_keys": {"$in": list(match_keys)}} if match_keys is not None else {})}
        return list(self.subscriptions.find(query, NOT_SHOWN))

    def active_digest_subscriptions(self, cadences, channels):
        return list(self.subscriptions.find({"cadence": {"$in": list(cadences)}, "status": "active",
                                             "channel.type": {"$in": list(channels)}}, NOT_SHOWN))

    def mark_digest_queued(self, subscription_id, window_key):
        self.subscriptions.update_one({"_id": subscription_id}, {"$set": {"last_digest": window_key}})

    def subscriptions_by_id(self, subscription_ids):
        """{id: subscription}, secrets included: they sign the attempts."""
        return {s["_id"]: s for s in self.subscriptions.find({"_id": {"$in": sorted(set(subscription_ids))}})}

    def reset_failures(self, subscription_id):
        self.subscriptions.update_one({"_id": subscription_id}, {"$set": {"consecutive_failures": 0}})

    def count_failed_delivery(self, subscription_id):
        """One more delivery in a row that failed every attempt: the count now
        (one atomic increment, so two instances never lose one), or None if gone."""
        found = self.subscriptions.find_one_and_update({"_id": subscription_id}, {"$inc": {"consecutive_failures": 1}},
                                                       return_document=ReturnDocument.AFTER)
        return found["consecutive_failures"] if found else None

    def disable_subscription(self, subscription_id, reason):
        self.subscriptions.update_one({"_id": subscription_id},
                                      {"$set": {"status": "disabled", "disabled_reason": reason}})

    # -- notifications -----------------------------------------------------
    def add_notification(self, doc):
        """False when it exists already (the same event and subscription)."""
        return _inserted(self.notifications, doc)

    def notifications_by_id(self, notification_ids):
        return {n["_id"]: n for n in self.notifications.find({"_id": {"$in": list(notification_ids)}})}

    def notifications_in_order(self, notification_ids):
        """The notifications, oldest first (then by id)."""
        return list(self.notifications.find({"_id": {"$in": list(notification_ids)}})
                    .sort([("created_at", ASCENDING), ("_id", ASCENDING)]))

    def notification_ids_between(self, subscription_id, start, end):
        """The ids of the subscription's notifications created in [start, end), oldest first."""
        return [n["_id"] for n in self.notifications.find(
            {"subscription_id": subscription_id, "created_at": {"$gte": start, "$lt": end}},
            {"_id": 1}).sort([("created_at", ASCENDING), ("_id", ASCENDING)])]

    def notifications_page(self, subscriber_id, type_, cursor, limit):
        query = {"subscriber_id": subscriber_id, **_only("type", type_)}
        return keyset_page(self.notifications, query, cursor, limit, newest_first=True)

    # -- deliveries --------------------------------------------------------
    def add_delivery(self, doc):
        """False when it exists already."""
        return _inserted(self.deliveries, doc)

    def claim_due_attempts(self, worker, lease_seconds, size=1, ids=None, now=None):
        """Up to ``size`` due attempts (of ``ids`` only, when given), now
        ours: a list, empty when nothing is due. One conditional update over
        the ids found due, so an attempt another instance claimed meanwhile
        is not ours; each claim has a token of its own, which
        ``renew_claim`` and ``record_attempt`` check."""
        now = now or utcnow()
        available = _due(now) if ids is None else {"$and": [{"_id": {"$in": list(ids)}}, _due(now)]}
        return leases.claim_many(self.deliveries, available, leases.new_token(worker),
                                 {"status": "sending", "lease_until": now + dt.timedelta(seconds=lease_seconds)},
                                 size, order="next_attempt_at")

    def renew_claim(self, delivery, lease_seconds):
        """Extend our claim to a full lease from now; False when it is no
        longer ours (it ran out and another instance holds it now)."""
        renewed = self.deliveries.update_one(
            _still_ours(delivery), {"$set": {"lease_until": utcnow() + dt.timedelta(seconds=lease_seconds)}})
        return renewed.matched_count == 1

    def record_attempt(self, delivery, status, attempt, next_attempt_at=None):
        """Log ``attempt`` and set the delivery's ``status`` if the claim is
        still ours (else False: the instance that took it over owns the next
        attempt, and this late record does not count)."""
        recorded = self.deliveries.update_one(
            _still_ours(delivery), {"$set": {"status": status, "next_attempt_at": next_attempt_at, "lease_until": None},
                                    "$push": {"attempts": attempt}})
        return recorded.matched_count == 1

    def replay_delivery(self, subscriber_id, delivery_id):
        """Make the subscriber's delivery due now (unless it is being sent);
        the delivery as now stored, or None."""
        return self.deliveries.find_one_and_update(
            {"_id": delivery_id, "subscriber_id": subscriber_id, "status": {"$ne": "sending"}},
            {"$set": {"status": "pending", "next_attempt_at": utcnow(), "lease_until": None}},
            return_document=ReturnDocument.AFTER)

    def deliveries_page(self, subscriber_id, status, cursor, limit):
        query = {"subscriber_id": subscriber_id, **_only("status", status)}
        return keyset_page(self.deliveries, query, cursor, limit, newest_first=True)
