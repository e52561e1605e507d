"""What an attempt's outcome changes, decided over plain values: delivered,
retried later (on the schedule, with jitter), given up, or the endpoint
disabled (410 Gone, or too many deliveries in a row that failed every
attempt). ``delivery`` has the store apply the ``Settlement``.

An outcome is ``{"status_code": int | None, "error": str (only on failure),
"duration_ms": float}``; ``status_code`` None is an email handed to SMTP.
"""
import dataclasses
import datetime as dt
import random

DEFAULT_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)  # seconds before each retry
DISABLE_AFTER_FAILED_DELIVERIES = 3  # deliveries that used up their schedule, in a row
GONE = 410


@dataclasses.dataclass(frozen=True)
class Settlement:
    status: str  # the delivery's: delivered, retrying, failed or disabled
    next_attempt_at: dt.datetime | None = None  # when retrying
    reset_failures: bool = False  # a success ends the subscription's run of failed deliveries
    disable_reason: str | None = None  # disable the subscription now
    failed_delivery: bool = False  # one more delivery that used up its schedule: count it


def answer_outcome(status_code, location=""):
    """The outcome of a webhook answer: a redirect could lead anywhere, so it
    is a failed attempt, never followed."""
    if 300 <= status_code < 400:
        return {"status_code": status_code, "error": f"redirect not followed (Location: {location[:200]})"}
    return {"status_code": status_code}


def succeeded(outcome):
    code = outcome.get("status_code")
    return "error" not in outcome and (code is None or 200 <= code < 300)


def next_attempt_at(attempts_made, schedule, jitter, now, draw=random.uniform):
    """When to try again after ``attempts_made`` failed attempts: the
    schedule's next wait, ± ``jitter`` of it; None once the schedule is used up."""
    if attempts_made > len(schedule):
        return None
    return now + dt.timedelta(seconds=schedule[attempts_made - 1] * draw(1 - jitter, 1 + jitter))


def settle(outcome, attempts_made, consecutive_failures, schedule, jitter, now, draw=random.uniform):
    """The ``Settlement`` of an attempt that ended with ``outcome``, the
    delivery's ``attempts_made``-th (this one counted), for a subscription
    whose deliveries failed ``consecutive_failures`` times in a row so far."""
    if succeeded(outcome):
        return Settlement("delivered", reset_failures=bool(consecutive_failures))
    if outcome.get("status_code") == GONE:
        return Settlement("disabled", disable_reason="the receiver answered 410 Gone")
    retry_at = next_attempt_at(attempts_made, schedule, jitter, now, draw)
    if retry_at is not None:
        return Settlement("retrying", next_attempt_at=retry_at)
    return Settlement("failed", failed_delivery=True)


def disable_reason_after(consecutive_failures):
    """Why the subscription is disabled after this many failed deliveries in a row (None: it is not)."""
    if consecutive_failures is not None and consecutive_failures >= DISABLE_AFTER_FAILED_DELIVERIES:
        return f"{DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed every attempt"
    return None


def attempt_entry(outcome, now):
    """The attempt as the delivery log keeps it."""
    return {"at": now.isoformat(), "status_code": outcome.get("status_code"), "error": outcome.get("error"),
            "duration_ms": outcome.get("duration_ms", 0.0)}
