"""Sending what is due: each attempt claimed with one conditional update (two
notify instances never send the same attempt; a lease that runs out, because
the instance died mid-send, makes the attempt due again, same webhook-id),
the claim renewed as the attempt starts (its deadline is shorter than the
lease, so a running attempt is never due elsewhere), every attempt in a
slot of its own (bounded: ``InFlight``), recorded with its answer; what the
outcome changes (retry, give up, disable the endpoint) is ``retries``'s
decision, which the store applies."""
import dataclasses
import logging
import time

from observatory.clock import iso, utcnow
from observatory.errors import UnsafeDestination
from services.notify import messages, retries, webhooks
from services.notify.addresses import AddressPolicy
from services.notify.inflight import InFlight
from services.notify.retries import DEFAULT_SCHEDULE
from services.notify.subscriptions import secrets_in_force

log = logging.getLogger(__name__)

BATCH_SIZE = 10  # attempts claimed at once (one query each for them, their notifications, subscriptions)
MAX_IN_FLIGHT = 256  # attempts at once per instance (config NOTIFY_MAX_IN_FLIGHT): more than the endpoints that hang
SUBSCRIPTION_GONE = "the subscription is gone or disabled"


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


class Batch:
    """The notifications and subscriptions of claimed deliveries, read in two queries."""

    def __init__(self, store, deliveries):
        self.store = store
        self.notifications = store.notifications_by_id(d["notification_id"] for d in deliveries if not d.get("digest"))
        self.subscriptions = store.subscriptions_by_id(d["subscription_id"] for d in deliveries)

    def message(self, delivery):
        """(message, the notifications it carries): one notification, or a digest of several."""
        if not delivery.get("digest"):
            notification = self.notifications.get(delivery["notification_id"])
            return notification, [notification] if notification else []
        carried = self.store.notifications_in_order(delivery["notification_ids"])
        return messages.digest_message(delivery, carried), carried


def _post_webhook(url, message, subscription, settings):
    body = messages.webhook_body(message)
    answer = webhooks.post(url, body, webhooks.headers(secrets_in_force(subscription), message["_id"], body),
                           settings.timeout_seconds, settings.addresses)
    outcome = retries.answer_outcome(answer.status_code, answer.headers.get("location", ""))
    if "error" in outcome:
        log.warning("delivery %s: %s answered %d, %s", message["_id"], url, answer.status_code, outcome["error"])
    return outcome


def attempt(store, delivery, settings, send_email=None, batch=None):
    """Send one claimed delivery and record what happened ("lost" if the
    claim was taken over before the attempt started: nothing sent)."""
    batch = batch or Batch(store, [delivery])
    message, carried = batch.message(delivery)
    subscription = batch.subscriptions.get(delivery["subscription_id"])
    if message is None or subscription is None or subscription.get("status") != "active":
        return _apply(store, delivery, subscription, retries.Settlement("disabled"), {"error": SUBSCRIPTION_GONE})
    if not store.renew_claim(delivery, settings.lease_seconds):
        return "lost"
    started = time.monotonic()
    try:
        if delivery["channel"] == "webhook":
            outcome = _post_webhook(subscription["channel"]["url"], message, subscription, settings)
        else:
            send_email(subscription["channel"]["email"], carried,
                       messages.digest_title(delivery, carried) if delivery.get("digest") else None)
            outcome = {"status_code": None}
    except (UnsafeDestination, OSError) as exc:
        outcome = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    outcome["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    settlement = retries.settle(outcome, len(delivery.get("attempts", [])) + 1,
                                subscription.get("consecutive_failures"), settings.schedule, settings.jitter, utcnow())
    return _apply(store, delivery, subscription, settlement, outcome)


def _apply(store, delivery, subscription, settlement, outcome):
    """Have the store apply ``settlement``; the delivery's status."""
    if settlement.reset_failures:
        store.reset_failures(subscription["_id"])
    reason = settlement.disable_reason
    if settlement.failed_delivery:
        reason = retries.disable_reason_after(store.count_failed_delivery(subscription["_id"]))
    if reason:
        store.disable_subscription(subscription["_id"], reason)
        # the operator hears of it in the log (and GET /api/v1/subscriptions shows it to the subscriber)
        log.warning("subscription %s of %s disabled: %s", subscription["_id"], subscription["subscriber_id"], reason)
    store.record_attempt(delivery, settlement.status, retries.attempt_entry(outcome, utcnow()),
                         settlement.next_attempt_at)
    return settlement.status


def start_due(store, worker, settings, in_flight, send_email=None, ids=None, limit=None):
    """Claim due attempts (of ``ids`` only, when given) while ``in_flight``
    has free slots, and start each in a slot of its own; returns how many
    were started, never waiting for a receiver. What finds no free slot
    stays due, for the next call."""
    started = 0
    while limit is None or started < limit:
        room = in_flight.reserve(min(BATCH_SIZE, limit - started) if limit is not None else BATCH_SIZE)
        if not room:
            break
        claimed = store.claim_due_attempts(worker, settings.lease_seconds, size=room, ids=ids)
        in_flight.release(room - len(claimed))
        if not claimed:
            break
        batch = Batch(store, claimed)
        for delivery in claimed:
            # bound now: the next round rebinds ``batch`` before this attempt may run
            in_flight.start(lambda delivery=delivery, batch=batch: attempt(store, delivery, settings, send_email,
                                                                           batch))
        started += len(claimed)
    return started


def deliver_due(store, worker, settings, send_email=None, limit=100, ids=None):
    """Send up to ``limit`` due attempts (of ``ids`` only, when given) and
    wait for their answers, round after round (a retry due at once is sent
    in the next round); returns how many were tried. For callers without
    a long-lived ``InFlight`` (the tests, a command line)."""
    in_flight, tried = InFlight(settings.max_in_flight), 0
    while tried < limit:
        started = start_due(store, worker, settings, in_flight, send_email, ids=ids, limit=limit - tried)
        in_flight.wait_idle()
        if not started:
            break
        tried += started
    return tried


def deliver_now(store, worker, settings, ids, send_email=None):
    """Send the given fresh deliveries (an event's), if still due and unclaimed, and wait for their answers."""
    return deliver_due(store, worker, settings, send_email, limit=len(ids), ids=ids) if ids else 0


def replay(store, subscriber_id, delivery_id):
    """Send a delivery again (same notification, same webhook-id): the
    delivery, due now; None if not the subscriber's, or being sent now."""
    return store.replay_delivery(subscriber_id, delivery_id)


def delivery_view(doc):
    return {"id": doc["_id"], "notification_id": doc["notification_id"], "subscription_id": doc["subscription_id"],
            "channel": doc["channel"], "status": doc["status"], "attempts": doc.get("attempts", []),
            "next_attempt_at": iso(doc.get("next_attempt_at")), "created_at": iso(doc["created_at"])}


def list_deliveries(store, subscriber_id, cursor=None, limit=50, status=None):
    return store.deliveries_page(subscriber_id, status, cursor, limit).answer(delivery_view)
