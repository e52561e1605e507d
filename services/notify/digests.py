"""Daily and weekly digests: a subscription with that cadence gets one
delivery per complete day (UTC) or ISO week grouping its notifications of
that window; nothing when there were none. Queued once per window (the
delivery id names the subscription and the window)."""
import datetime as dt

from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from services.notify.models import Delivery, Notification, Subscription

DIGEST_CADENCES = ("daily", "weekly")


def last_window(cadence, now):
    """(key, start, end) of the last complete day or ISO week before ``now``."""
    today = dt.datetime(now.year, now.month, now.day, tzinfo=dt.timezone.utc)
    if cadence == "daily":
        start = today - dt.timedelta(days=1)
        return start.date().isoformat(), start, today
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(days=7)
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}", start, monday


def queue_digests(now=None):
    """Queue each digest subscription's last window, once. Returns the delivery ids queued."""
    now = now or utcnow()
    queued = []
    subscriptions = Subscription._get_collection()
    for subscription in subscriptions.find({"cadence": {"$in": list(DIGEST_CADENCES)}, "status": "active",
                                            "channel.type": {"$in": ["webhook", "email"]}}, {"secrets": 0}):
        key, start, end = last_window(subscription["cadence"], now)
        if subscription.get("last_digest") == key:
            continue
        notification_ids = [n["_id"] for n in Notification._get_collection().find(
            {"subscription_id": subscription["_id"], "created_at": {"$gte": start, "$lt": end}},
            {"_id": 1}).sort([("created_at", 1), ("_id", 1)])]
        if notification_ids:
            delivery_id = f"dgst_{subscription['_id']}_{key}"
            try:
                Delivery._get_collection().insert_one({
                    "_id": delivery_id, "notification_id": delivery_id, "notification_ids": notification_ids,
                    "digest": {"cadence": subscription["cadence"], "period": key, "from": start.isoformat(),
                               "to": end.isoformat()},
                    "subscription_id": subscription["_id"], "subscriber_id": subscription["subscriber_id"],
                    "channel": subscription["channel"]["type"], "status": "pending", "attempts": [],
                    "next_attempt_at": now, "lease_until": None, "claimed_by": None, "created_at": now})
                queued.append(delivery_id)
            except DuplicateKeyError:
                pass
        subscriptions.update_one({"_id": subscription["_id"]}, {"$set": {"last_digest": key}})
    return queued
