"""Subscribers and their subscriptions (plain functions over the store)."""
import datetime as dt
import secrets

from pymongo.errors import DuplicateKeyError

from observatory.clock import iso, utcnow
from observatory.errors import Conflict, NotFound, UnknownSubscriber
from observatory.pagination import AfterCursor, NewestFirstCursor, decode_cursor, encode_cursor
from services.notify import matching, webhooks
from services.notify.models import Delivery, Notification, Subscriber, Subscription




def create_subscriber(request):
    request = dict(request)
    doc = {"_id": request.pop("id", None) or "sub_" + secrets.token_hex(8), **request, "created_at": utcnow()}
    try:
        Subscriber._get_collection().insert_one(doc)
    except DuplicateKeyError:
        raise Conflict("a subscriber with this id exists already", {"id": doc["_id"]}) from None
    return subscriber_view(doc)


def subscriber_view(doc):
    return {"id": doc["_id"], "name": doc["name"], "country": doc["country"], "kind": doc.get("kind"),
            "created_at": iso(doc.get("created_at"))}


def get_subscriber(subscriber_id):
    doc = Subscriber._get_collection().find_one({"_id": subscriber_id})
    if doc is None:
        raise UnknownSubscriber("no such subscriber", {"id": subscriber_id})
    return subscriber_view(doc)


def page(collection, query, cursor, limit, view, newest_first=False):
    """Cursor pagination in id order (or newest first by created_at, then id)."""
    position = decode_cursor(cursor, NewestFirstCursor if newest_first else AfterCursor)
    if newest_first:
        order = [("created_at", -1), ("_id", -1)]
        if position:
            at = position["at"]
            query = {"$and": [query, {"$or": [{"created_at": {"$lt": at}},
                                              {"created_at": at, "_id": {"$lt": position["after"]}}]}]}
    else:
        order = [("_id", 1)]
        if position:
            query = {"$and": [query, {"_id": {"$gt": position["after"]}}]}
    docs = list(collection.find(query, {"outbox": 0, "applied_events": 0}).sort(order).limit(limit + 1))
    more, docs = len(docs) > limit, docs[:limit]
    next_cursor = None
    if more:
        last = docs[-1]
        next_cursor = encode_cursor({"after": last["_id"], **({"at": iso(last["created_at"])} if newest_first
                                                              else {})})
    return {"items": [view(d) for d in docs], "next_cursor": next_cursor}


def list_subscribers(cursor=None, limit=50):
    return page(Subscriber._get_collection(), {}, cursor, limit, subscriber_view)


def subscription_view(doc, secret=None):
    view = {k: doc.get(k) for k in ("subscriber_id", "event_types", "corridors", "countries", "ldc_destinations",
                                    "threshold_pct", "min_change_pp", "provider_types", "practice_themes",
                                    "channel", "cadence", "status", "disabled_reason")}
    view.update(id=doc["_id"], created_at=iso(doc.get("created_at")))
    if secret:
        view["secret"] = secret
    return {k: v for k, v in view.items() if v is not None}


def create_subscription(subscriber_id, request, addresses):
    """A subscription; a webhook one gets its secret, returned here only.
    ``addresses``: the AddressPolicy its URL is checked by (again at every attempt)."""
    get_subscriber(subscriber_id)
    channel = request["channel"]
    if channel["type"] == "webhook":
        webhooks.check_destination(channel["url"], addresses)
    secret = webhooks.new_secret() if channel["type"] == "webhook" else None
    doc = {"_id": "subn_" + secrets.token_hex(8), "subscriber_id": subscriber_id, **request,
           "match_keys": matching.subscription_keys(request), "status": "active", "consecutive_failures": 0,
           "secrets": [{"secret": secret, "expires_at": None}] if secret else [], "created_at": utcnow()}
    Subscription._get_collection().insert_one(doc)
    return subscription_view(doc, secret)


def _own_subscription(subscriber_id, subscription_id):
    doc = Subscription._get_collection().find_one({"_id": subscription_id, "subscriber_id": subscriber_id})
    if doc is None:  # another subscriber's is "not found" too: its existence is not ours to learn
        raise NotFound("no such subscription", {"id": subscription_id})
    return doc


def list_subscriptions(subscriber_id, cursor=None, limit=50, status=None):
    """One subscriber's subscriptions; ``subscriber_id`` None: everyone's (operators)."""
    query = {**({"subscriber_id": subscriber_id} if subscriber_id else {}), **({"status": status} if status else {})}
    return page(Subscription._get_collection(), query, cursor, limit, subscription_view)


def delete_subscription(subscriber_id, subscription_id):
    doc = _own_subscription(subscriber_id, subscription_id)
    Subscription._get_collection().delete_one({"_id": doc["_id"]})
    Delivery._get_collection().update_many({"subscription_id": doc["_id"], "status": {"$in": ["pending", "retrying"]}},
                                           {"$set": {"status": "disabled"}})
    return subscription_view(doc)


def rotate_secret(subscriber_id, subscription_id, overlap_seconds):
    """A new secret; the old one keeps signing beside it for ``overlap_seconds``."""
    doc = _own_subscription(subscriber_id, subscription_id)
    if doc["channel"]["type"] != "webhook":
        raise NotFound("only webhook subscriptions have a secret", {"id": subscription_id})
    now, secret = utcnow(), webhooks.new_secret()
    kept = [{**s, "expires_at": s.get("expires_at") or now + dt.timedelta(seconds=overlap_seconds)}
            for s in doc.get("secrets", []) if not _expired(s, now)]
    Subscription._get_collection().update_one({"_id": doc["_id"]},
                                              {"$set": {"secrets": [{"secret": secret, "expires_at": None}, *kept]}})
    return subscription_view(Subscription._get_collection().find_one({"_id": doc["_id"]}), secret)


def _expired(entry, now):
    expires = entry.get("expires_at")
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return expires is not None and expires <= now


def secrets_in_force(subscription, now=None):
    now = now or utcnow()
    return [s["secret"] for s in subscription.get("secrets", []) if not _expired(s, now)]


def notification_view(doc):
    return {"id": doc["_id"], "subscription_id": doc["subscription_id"], "type": doc["type"],
            "occurred_at": doc.get("occurred_at"), "data": doc.get("data", {}), "created_at": iso(doc["created_at"])}


def list_notifications(subscriber_id, cursor=None, limit=50, type=None):
    query = {"subscriber_id": subscriber_id, **({"type": type} if type else {})}
    return page(Notification._get_collection(), query, cursor, limit, notification_view, newest_first=True)
