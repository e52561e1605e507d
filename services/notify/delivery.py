"""Sending what is due: each attempt claimed with one conditional update (two
notify instances never send the same attempt; a lease that runs out, because
the instance died mid-send, makes the attempt due again, same webhook-id),
the claim renewed as the attempt starts (its deadline is shorter than the
lease, so a running attempt is never due elsewhere), every attempt in a
slot of its own (bounded: ``InFlight``), recorded with its answer, retried
on a schedule with jitter, the endpoint disabled on 410 Gone or after
repeated failure."""
import dataclasses
import datetime as dt
import json
import logging
import random
import time

from pymongo import ReturnDocument

from observatory import leases
from observatory.clock import utcnow
from observatory.errors import UnsafeDestination
from services.notify import webhooks
from services.notify.addresses import AddressPolicy
from services.notify.inflight import InFlight
from services.notify.models import Delivery, Notification, Subscription
from services.notify.subscriptions import page, secrets_in_force

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)  # seconds before each retry
DISABLE_AFTER_FAILED_DELIVERIES = 3  # deliveries that used up their schedule, in a row
BATCH_SIZE = 10  # attempts claimed at once (one query each for them, their notifications, subscriptions)
MAX_IN_FLIGHT = 256  # attempts at once per instance (config NOTIFY_MAX_IN_FLIGHT): more than the endpoints that hang


@dataclasses.dataclass(frozen=True)
class DeliverySettings:
    schedule: tuple = DEFAULT_SCHEDULE
    timeout_seconds: float = 10.0  # one deadline for a whole attempt
    lease_seconds: float = 60.0  # a claim; renewed as its attempt starts, so it outlives the attempt
    addresses: AddressPolicy = AddressPolicy()
    jitter: float = 0.2  # each wait is ±20 %
    max_in_flight: int = MAX_IN_FLIGHT

    def __post_init__(self):
        if self.lease_seconds <= self.timeout_seconds:
            raise ValueError("a claim's lease must outlast the attempt's deadline, or two instances could send it")


def _due(now):
    return {"$or": [{"status": {"$in": ["pending", "retrying"]}, "next_attempt_at": {"$lte": now}},
                    {"status": "sending", "lease_until": {"$lte": now}}]}  # its sender died mid-attempt


def claim_due(worker, settings, now=None, size=1, ids=None):
    """Up to ``size`` due attempts (of ``ids`` only, when given), now ours (a
    list; empty when nothing is due). The claim is one conditional update over
    the ids found due, so an attempt another instance claimed meanwhile is not
    ours; each claim has a token of its own, which recording the outcome checks."""
    now = now or utcnow()
    available = _due(now) if ids is None else {"$and": [{"_id": {"$in": list(ids)}}, _due(now)]}
    return leases.claim_many(Delivery._get_collection(), available, leases.new_token(worker),
                             {"status": "sending", "lease_until": now + dt.timedelta(seconds=settings.lease_seconds)},
                             size, order="next_attempt_at")


def webhook_body(notification):
    return json.dumps({"id": notification["_id"], "type": notification["type"],
                       "occurred_at": notification["occurred_at"], "data": notification["data"]},
                      separators=(",", ":"), default=str).encode()


class Batch:
    """The notifications and subscriptions of claimed deliveries, read in two queries."""

    def __init__(self, deliveries):
        notification_ids = [d["notification_id"] for d in deliveries if not d.get("digest")]
        self.notifications = {n["_id"]: n for n in Notification._get_collection().find({"_id": {"$in": notification_ids}})}
        self.subscriptions = {s["_id"]: s for s in Subscription._get_collection().find(
            {"_id": {"$in": sorted({d["subscription_id"] for d in deliveries})}})}


def _message(delivery, batch):
    """(message, the notifications it carries): one notification, or a digest of several."""
    notifications = Notification._get_collection()
    if not delivery.get("digest"):
        notification = batch.notifications.get(delivery["notification_id"])
        return notification, [notification] if notification else []
    carried = sorted(notifications.find({"_id": {"$in": delivery["notification_ids"]}}),
                     key=lambda n: (n["created_at"], n["_id"]))
    digest = delivery["digest"]
    message = {"_id": delivery["_id"], "type": "digest", "occurred_at": digest["to"],
               "data": {**digest, "notifications": [{"id": n["_id"], "type": n["type"], "occurred_at":
                                                     n["occurred_at"], "data": n["data"]} for n in carried]}}
    return message, carried


def _renew(delivery, settings):
    """Extend our claim to a full lease as the attempt starts; False when it
    is no longer ours (it ran out and another instance holds it now)."""
    renewed = Delivery._get_collection().update_one(
        {"_id": delivery["_id"], "status": "sending", "claimed_by": delivery.get("claimed_by")},
        {"$set": {"lease_until": utcnow() + dt.timedelta(seconds=settings.lease_seconds)}})
    return renewed.matched_count == 1


def _post_webhook(url, notification, subscription, settings, outcome):
    body = webhook_body(notification)
    answer = webhooks.post(url, body, webhooks.headers(secrets_in_force(subscription), notification["_id"], body),
                           settings.timeout_seconds, settings.addresses)
    outcome["status_code"] = answer.status_code
    if 300 <= answer.status_code < 400:  # a redirect could lead anywhere: a failed attempt
        outcome["error"] = f"redirect not followed (Location: {answer.headers.get('location', '')[:200]})"
        log.warning("delivery %s: %s answered %d, %s", notification["_id"], url, answer.status_code,
                    outcome["error"])


def attempt(delivery, settings, send_email=None, batch=None):
    """Send one claimed delivery and record what happened ("lost" if the
    claim was taken over before the attempt started: nothing sent)."""
    batch = batch or Batch([delivery])
    notification, carried = _message(delivery, batch)
    subscription = batch.subscriptions.get(delivery["subscription_id"])
    if notification is None or subscription is None or subscription.get("status") != "active":
        return _finish(delivery, "disabled", {"error": "the subscription is gone or disabled"})
    if not _renew(delivery, settings):
        return "lost"
    started = time.monotonic()
    outcome = {}
    try:
        if delivery["channel"] == "webhook":
            _post_webhook(subscription["channel"]["url"], notification, subscription, settings, outcome)
        else:
            title = (f"Your {delivery['digest']['cadence']} digest ({delivery['digest']['period']}): "
                     f"{len(carried)} alert(s)" if delivery.get("digest") else None)
            send_email(subscription["channel"]["email"], carried, title)
            outcome["status_code"] = None
    except (UnsafeDestination, OSError) as exc:
        outcome["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    outcome["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return _settle(delivery, subscription, outcome, settings)


def _settle(delivery, subscription, outcome, settings):
    code = outcome.get("status_code")
    if "error" not in outcome and (code is None or 200 <= code < 300):
        if subscription.get("consecutive_failures"):
            Subscription._get_collection().update_one({"_id": subscription["_id"]},
                                                      {"$set": {"consecutive_failures": 0}})
        return _finish(delivery, "delivered", outcome)
    if code == 410:
        _disable(subscription, "the receiver answered 410 Gone")
        return _finish(delivery, "disabled", outcome)
    tried = len(delivery.get("attempts", [])) + 1
    if tried <= len(settings.schedule):
        wait = settings.schedule[tried - 1] * random.uniform(1 - settings.jitter, 1 + settings.jitter)
        return _finish(delivery, "retrying", outcome, next_attempt_at=utcnow() + dt.timedelta(seconds=wait))
    failures = Subscription._get_collection().find_one_and_update(
        {"_id": subscription["_id"]}, {"$inc": {"consecutive_failures": 1}}, return_document=ReturnDocument.AFTER)
    if failures and failures["consecutive_failures"] >= DISABLE_AFTER_FAILED_DELIVERIES:
        _disable(subscription, f"{DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed every attempt")
    return _finish(delivery, "failed", outcome)


def _disable(subscription, reason):
    Subscription._get_collection().update_one({"_id": subscription["_id"]},
                                              {"$set": {"status": "disabled", "disabled_reason": reason}})
    # the operator hears of it in the log (and GET /api/v1/subscriptions shows it to the subscriber)
    log.warning("subscription %s of %s disabled: %s", subscription["_id"], subscription["subscriber_id"], reason)


def _finish(delivery, status, outcome, next_attempt_at=None):
    """Record the attempt if the claim is still ours (a lease taken over by
    another instance means that instance owns the next attempt)."""
    entry = {"at": utcnow().isoformat(), "status_code": outcome.get("status_code"), "error": outcome.get("error"),
             "duration_ms": outcome.get("duration_ms", 0.0)}
    Delivery._get_collection().update_one(
        {"_id": delivery["_id"], "status": "sending", "claimed_by": delivery.get("claimed_by")},
        {"$set": {"status": status, "next_attempt_at": next_attempt_at, "lease_until": None},
         "$push": {"attempts": entry}})
    return status


def start_due(worker, settings, in_flight, send_email=None, ids=None, limit=None):
    """Claim due attempts (of ``ids`` only, when given) while ``in_flight``
    has free slots, and start each in a slot of its own; returns how many
    were started, never waiting for a receiver. What finds no free slot
    stays due, for the next call."""
    started = 0
    while limit is None or started < limit:
        room = in_flight.reserve(min(BATCH_SIZE, limit - started) if limit is not None else BATCH_SIZE)
        if not room:
            break
        claimed = claim_due(worker, settings, size=room, ids=ids)
        in_flight.release(room - len(claimed))
        if not claimed:
            break
        batch = Batch(claimed)
        for delivery in claimed:
            # bound now: the next round rebinds ``batch`` before this attempt may run
            in_flight.start(lambda delivery=delivery, batch=batch: attempt(delivery, settings, send_email, batch))
        started += len(claimed)
    return started


def deliver_due(worker, settings, send_email=None, limit=100, ids=None):
    """Send up to ``limit`` due attempts (of ``ids`` only, when given) and
    wait for their answers, round after round (a retry due at once is sent
    in the next round); returns how many were tried. For callers without
    a long-lived ``InFlight`` (the tests, a command line)."""
    in_flight, tried = InFlight(settings.max_in_flight), 0
    while tried < limit:
        started = start_due(worker, settings, in_flight, send_email, ids=ids, limit=limit - tried)
        in_flight.wait_idle()
        if not started:
            break
        tried += started
    return tried


def deliver_now(worker, settings, ids, send_email=None):
    """Send the given fresh deliveries (an event's), if still due and unclaimed, and wait for their answers."""
    return deliver_due(worker, settings, send_email, limit=len(ids), ids=ids) if ids else 0


def replay(subscriber_id, delivery_id):
    """Send a delivery again (same notification, same webhook-id)."""
    found = Delivery._get_collection().find_one_and_update(
        {"_id": delivery_id, "subscriber_id": subscriber_id, "status": {"$ne": "sending"}},
        {"$set": {"status": "pending", "next_attempt_at": utcnow(), "lease_until": None}},
        return_document=ReturnDocument.AFTER)
    return found


def delivery_view(doc):
    return {"id": doc["_id"], "notification_id": doc["notification_id"], "subscription_id": doc["subscription_id"],
            "channel": doc["channel"], "status": doc["status"], "attempts": doc.get("attempts", []),
            "next_attempt_at": doc["next_attempt_at"].isoformat() if doc.get("next_attempt_at") else None,
            "created_at": doc["created_at"].isoformat()}


def list_deliveries(subscriber_id, cursor=None, limit=50, status=None):
    query = {"subscriber_id": subscriber_id, **({"status": status} if status else {})}
    return page(Delivery._get_collection(), query, cursor, limit, delivery_view, newest_first=True)
