"""Subscribers and their subscriptions: plain functions given the store;
the new subscription, its rotated secrets and the secrets that sign now are
decided over plain values."""
import datetime as dt
import secrets

from observatory.clock import iso, utcnow
from observatory.errors import Conflict, NotFound, UnknownSubscriber
from services.notify import matching, messages, webhooks

SUBSCRIPTION_FIELDS = ("subscriber_id", "event_types", "corridors", "countries", "ldc_destinations", "threshold_pct",
                       "min_change_pp", "provider_types", "practice_themes", "channel", "cadence", "status",
                       "disabled_reason")


def create_subscriber(store, request):
    request = dict(request)
    doc = {"_id": request.pop("id", None) or "sub_" + secrets.token_hex(8), **request, "created_at": utcnow()}
    if not store.add_subscriber(doc):
        raise Conflict("a subscriber with this id exists already", {"id": doc["_id"]})
    return subscriber_view(doc)


def subscriber_view(doc):
    return {"id": doc["_id"], "name": doc["name"], "country": doc["country"], "kind": doc.get("kind"),
            "created_at": iso(doc.get("created_at"))}


def get_subscriber(store, subscriber_id):
    doc = store.subscriber(subscriber_id)
    if doc is None:
        raise UnknownSubscriber("no such subscriber", {"id": subscriber_id})
    return subscriber_view(doc)


def list_subscribers(store, cursor=None, limit=50):
    return store.subscribers_page(cursor, limit).answer(subscriber_view)


def subscription_view(doc, secret=None):
    view = {k: doc.get(k) for k in SUBSCRIPTION_FIELDS}
    view.update(id=doc["_id"], created_at=iso(doc.get("created_at")))
    if secret:
        view["secret"] = secret
    return {k: v for k, v in view.items() if v is not None}


def new_subscription(subscriber_id, request, secret, now):
    """The subscription to store for a validated ``request`` (``secret``: a
    webhook's first, None for other channels)."""
    return {"_id": "subn_" + secrets.token_hex(8), "subscriber_id": subscriber_id, **request,
            "match_keys": matching.subscription_keys(request), "status": "active", "consecutive_failures": 0,
            "secrets": [{"secret": secret, "expires_at": None}] if secret else [], "created_at": now}


def create_subscription(store, subscriber_id, request, addresses):
    """A subscription; a webhook one gets its secret, returned here only.
    ``addresses``: the AddressPolicy its URL is checked by (again at every attempt)."""
    get_subscriber(store, subscriber_id)
    channel = request["channel"]
    if channel["type"] == "webhook":
        webhooks.check_destination(channel["url"], addresses)
    secret = webhooks.new_secret() if channel["type"] == "webhook" else None
    doc = new_subscription(subscriber_id, request, secret, utcnow())
    store.add_subscription(doc)
    return subscription_view(doc, secret)


def _own_subscription(store, subscriber_id, subscription_id):
    doc = store.own_subscription(subscriber_id, subscription_id)
    if doc is None:  # another subscriber's is "not found" too: its existence is not ours to learn
        raise NotFound("no such subscription", {"id": subscription_id})
    return doc


def list_subscriptions(store, subscriber_id, cursor=None, limit=50, status=None):
    """One subscriber's subscriptions; ``subscriber_id`` None: everyone's (operators)."""
    return store.subscriptions_page(subscriber_id, status, cursor, limit).answer(subscription_view)


def delete_subscription(store, subscriber_id, subscription_id):
    doc = _own_subscription(store, subscriber_id, subscription_id)
    store.delete_subscription(doc["_id"])
    return subscription_view(doc)


def rotated_secrets(current, new_secret, now, overlap_seconds):
    """The secrets after a rotation: the new one first, then those still in
    force, each expiring ``overlap_seconds`` from now unless it expires sooner."""
    kept = [{**s, "expires_at": s.get("expires_at") or now + dt.timedelta(seconds=overlap_seconds)}
            for s in current if not _expired(s, now)]
    return [{"secret": new_secret, "expires_at": None}, *kept]


def rotate_secret(store, subscriber_id, subscription_id, overlap_seconds):
    """A new secret; the old one keeps signing beside it for ``overlap_seconds``."""
    doc = _own_subscription(store, subscriber_id, subscription_id)
    if doc["channel"]["type"] != "webhook":
        raise NotFound("only webhook subscriptions have a secret", {"id": subscription_id})
    secret = webhooks.new_secret()
    rotated = store.replace_secrets(doc["_id"], rotated_secrets(doc.get("secrets", []), secret, utcnow(),
                                                                overlap_seconds))
    return subscription_view(rotated, secret)


def _expired(entry, now):
    expires = entry.get("expires_at")
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return expires is not None and expires <= now


def secrets_in_force(subscription, now=None):
    now = now or utcnow()
    return [s["secret"] for s in subscription.get("secrets", []) if not _expired(s, now)]


def list_notifications(store, subscriber_id, cursor=None, limit=50, type=None):
    """The subscriber's feed, newest first."""
    return store.notifications_page(subscriber_id, type, cursor, limit).answer(messages.feed_entry)
