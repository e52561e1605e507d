"""What an attempt's outcome changes, when digests are due and what they
carry, and the messages notify sends: decided over plain values, no store."""
import datetime as dt
import json

from services.notify import alerts, digests, messages, retries
from tests.unit.notify_events import ARE_NPL, NOW, real_corridor_events, subscription

SCHEDULE = (5, 300)
SERVER_ERROR = {"status_code": 500, "duration_ms": 12.0}


def low(a, b):
    return a


def high(a, b):
    return b


def test_a_failed_attempt_waits_its_turn_in_the_schedule_within_the_jitter_then_gives_up():
    first = retries.settle(SERVER_ERROR, 1, 0, SCHEDULE, 0.2, NOW, draw=low)
    assert first == retries.Settlement("retrying", next_attempt_at=NOW + dt.timedelta(seconds=4))
    second = retries.settle(SERVER_ERROR, 2, 0, SCHEDULE, 0.2, NOW, draw=high)
    assert second.status == "retrying" and second.next_attempt_at == NOW + dt.timedelta(seconds=360)
    assert retries.settle(SERVER_ERROR, 3, 0, SCHEDULE, 0.2, NOW) == retries.Settlement("failed", failed_delivery=True)
    waits = {(retries.next_attempt_at(1, SCHEDULE, 0.2, NOW) - NOW).total_seconds() for _ in range(50)}
    assert all(4 <= wait <= 6 for wait in waits) and len(waits) > 1  # ±20 % of 5 s, and not all alike
    unreachable = {"error": "ReceiverError: no complete answer within the 10 s deadline"}
    assert retries.settle(unreachable, 1, 0, SCHEDULE, 0.2, NOW, draw=low).status == "retrying"


def test_a_success_delivers_and_ends_a_run_of_failures_and_410_disables_at_once():
    assert retries.settle({"status_code": 204}, 1, 0, SCHEDULE, 0.2, NOW) == retries.Settlement("delivered")
    assert retries.settle({"status_code": 200}, 3, 2, SCHEDULE, 0.2, NOW).reset_failures
    assert retries.settle({"status_code": None}, 1, 0, SCHEDULE, 0.2, NOW).status == "delivered"  # handed to SMTP
    gone = retries.settle({"status_code": 410}, 1, 0, SCHEDULE, 0.2, NOW)
    assert gone.status == "disabled" and "410 Gone" in gone.disable_reason


def test_a_redirect_is_a_failure_that_names_where_it_pointed():
    redirected = retries.answer_outcome(302, "https://elsewhere.example/" + "x" * 300)
    assert redirected["status_code"] == 302 and "not followed" in redirected["error"]
    assert "https://elsewhere.example/" in redirected["error"] and len(redirected["error"]) < 250
    assert not retries.succeeded(redirected) and retries.answer_outcome(200) == {"status_code": 200}


def test_three_deliveries_in_a_row_that_fail_every_attempt_disable_the_endpoint():
    failures, disabled = 0, None  # the subscription's count, as the store keeps it

    def deliver(outcome):
        nonlocal failures, disabled
        for attempt in range(1, len(SCHEDULE) + 2):
            settled = retries.settle(outcome, attempt, failures, SCHEDULE, 0.2, NOW)
            if settled.status != "retrying":
                break
        if settled.reset_failures:
            failures = 0
        if settled.failed_delivery:
            failures += 1
            disabled = retries.disable_reason_after(failures)
        return settled.status

    assert [deliver(SERVER_ERROR), deliver(SERVER_ERROR), deliver({"status_code": 200})] == [
        "failed", "failed", "delivered"]
    assert disabled is None and failures == 0  # the success ended the run
    assert [deliver(SERVER_ERROR) for _ in range(3)] == ["failed"] * 3
    assert disabled == "3 deliveries in a row failed every attempt"


def test_the_attempt_log_entry_keeps_the_answer_and_the_time():
    entry = retries.attempt_entry(SERVER_ERROR, NOW)
    assert entry == {"at": "2026-12-02T03:00:00+00:00", "status_code": 500, "error": None, "duration_ms": 12.0}


def test_digests_cover_the_last_complete_day_or_iso_week_once():
    daily = digests.last_window("daily", NOW)  # Wednesday 2 December 2026, 03:00 UTC
    assert daily.key == "2026-12-01" and daily.end - daily.start == dt.timedelta(days=1) and daily.end <= NOW
    weekly = digests.last_window("weekly", NOW)
    assert weekly.key == "2026-W48" and weekly.start.weekday() == 0 and weekly.end == dt.datetime(
        2026, 11, 30, tzinfo=dt.timezone.utc)
    subscribed = subscription(cadence="daily", corridors=[{"source": "ARE", "destination": "NPL"}])
    assert digests.due_window(subscribed, NOW) == daily
    assert digests.due_window({**subscribed, "last_digest": "2026-12-01"}, NOW) is None  # queued already
    tomorrow = NOW + dt.timedelta(days=1)
    assert digests.due_window({**subscribed, "last_digest": "2026-12-01"}, tomorrow).key == "2026-12-02"


def planned_notifications(subscribed):
    return [n.notification for event in real_corridor_events(ARE_NPL) for n in alerts.plan(event, [subscribed], NOW)]


def test_a_digest_carries_its_windows_notifications_in_one_signed_body():
    subscribed = subscription(cadence="weekly", corridors=[{"source": "ARE", "destination": "NPL"}])
    carried = planned_notifications(subscribed)  # the three real crossings of 5 %
    window = digests.last_window("weekly", NOW)
    delivery = digests.digest_delivery(subscribed, window, [n["_id"] for n in carried], NOW)
    assert delivery["_id"] == f"dgst_{subscribed['_id']}_2026-W48" and delivery["notification_ids"] == [
        n["_id"] for n in carried]
    body = json.loads(messages.webhook_body(messages.digest_message(delivery, carried)))
    assert set(body) == {"id", "type", "occurred_at", "data"} and body["id"] == delivery["_id"]
    assert body["type"] == "digest" and body["occurred_at"] == window.end.isoformat()
    assert [n["data"]["direction"] for n in body["data"]["notifications"]] == ["up", "down", "up"]
    assert {body["data"]["cadence"], body["data"]["period"]} == {"weekly", "2026-W48"}
    assert messages.digest_title(delivery, carried) == "Your weekly digest (2026-W48): 3 alert(s)"


def test_one_alert_is_one_compact_webhook_body_one_email_and_one_feed_entry():
    crossing = planned_notifications(subscription(corridors=[{"source": "ARE", "destination": "NPL"}]))[0]
    raw = messages.webhook_body(crossing)
    assert raw == json.dumps(json.loads(raw), separators=(",", ":")).encode()  # compact JSON: the bytes signed
    assert json.loads(raw) == {"id": crossing["_id"], "type": "corridor.cost.threshold_crossed",
                               "occurred_at": crossing["occurred_at"], "data": crossing["data"]}
    line = messages.describe(crossing)
    assert line.startswith("ARE → NPL: ") and "in 2011Q3, above 5 % (was " in line and "in 2011Q1)" in line
    email = messages.email("alerts@observatory.example", "alerts@mof.gov.np", [crossing])
    assert email["Subject"] == "A corridor crossed your cost threshold" and email["To"] == "alerts@mof.gov.np"
    text, html = (part.get_content() for part in email.iter_parts())
    assert line in text and "World Bank" in text and "<li>ARE → NPL" in html
    entry = messages.feed_entry(crossing)
    assert entry["id"] == crossing["_id"] and entry["data"] == crossing["data"]
    assert entry["created_at"] == NOW.isoformat() and entry["subscription_id"] == crossing["subscription_id"]
