"""Daily and weekly digests: a subscription with that cadence gets one
delivery per complete day (UTC) or ISO week grouping its notifications of
that window; nothing when there were none. Queued once per window (the
delivery id names the subscription and the window). Which window is due,
and the digest delivery, are decided over plain values."""
import collections
import datetime as dt

from observatory.clock import utcnow
from services.notify.alerts import DELIVERED_CHANNELS, new_delivery

DIGEST_CADENCES = ("daily", "weekly")

Window = collections.namedtuple("Window", "key start end")  # key: "2026-12-01" or "2026-W48"; [start, end)


def last_window(cadence, now):
    """The ``Window`` of the last complete day or ISO week before ``now``."""
    today = dt.datetime(now.year, now.month, now.day, tzinfo=dt.timezone.utc)
    if cadence == "daily":
        start = today - dt.timedelta(days=1)
        return Window(start.date().isoformat(), start, today)
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(days=7)
    year, week, _ = start.isocalendar()
    return Window(f"{year}-W{week:02d}", start, monday)


def due_window(subscription, now):
    """The window whose digest the subscription is due (None: queued already)."""
    window = last_window(subscription["cadence"], now)
    return None if subscription.get("last_digest") == window.key else window


def digest_delivery(subscription, window, notification_ids, now):
    """The delivery of the subscription's digest of ``window``, carrying ``notification_ids``."""
    id_ = f"dgst_{subscription['_id']}_{window.key}"
    return new_delivery(id_, id_, subscription, now, notification_ids=list(notification_ids),
                        digest={"cadence": subscription["cadence"], "period": window.key,
                                "from": window.start.isoformat(), "to": window.end.isoformat()})


def queue_digests(store, now=None):
    """Queue each digest subscription's last window, once. Returns the delivery ids queued."""
    now = now or utcnow()
    queued = []
    for subscription in store.active_digest_subscriptions(DIGEST_CADENCES, DELIVERED_CHANNELS):
        window = due_window(subscription, now)
        if window is None:
            continue
        notification_ids = store.notification_ids_between(subscription["_id"], window.start, window.end)
        if notification_ids:
            delivery = digest_delivery(subscription, window, notification_ids, now)
            if store.add_delivery(delivery):
                queued.append(delivery["_id"])
        store.mark_digest_queued(subscription["_id"], window.key)
    return queued
