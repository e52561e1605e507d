"""NotifyStore against mongomock, with what the decisions make of the real
ARE→NPL series: its indexes, its once-only inserts, the candidate lookup,
claims and their leases, the failure count, and cursor pages."""
import datetime as dt

import pytest

from observatory.errors import InvalidInput
from services.notify import alerts, matching
from tests.unit.notify_common import store  # noqa: F401 (the fixture)
from tests.unit.notify_events import ARE_NPL, real_corridor_events, subscription

LEASE = 60


def stored(store, **wanted):
    """A subscription and the notices the real ARE→NPL events make for it, stored; (subscription, notices)."""
    subscribed = subscription(corridors=[{"source": "ARE", "destination": "NPL"}], **wanted)
    store.add_subscription(subscribed)
    notices = [n for e in real_corridor_events(ARE_NPL) for n in alerts.plan(e, [subscribed], dt.datetime.now(
        dt.timezone.utc))]
    for notice in notices:
        store.add_notification(notice.notification)
        if notice.delivery:
            store.add_delivery(notice.delivery)
    return subscribed, notices


def test_the_indexes_the_lookups_use_exist_and_making_them_twice_changes_nothing(store):
    store.ensure_indexes()
    keys = {name: [list(spec["key"]) for spec in getattr(store, name).index_information().values()]
            for name in ("subscribers", "subscriptions", "notifications", "deliveries")}
    assert [("event_types", 1), ("match_keys", 1), ("status", 1)] in keys["subscriptions"]
    assert [("status", 1), ("next_attempt_at", 1)] in keys["deliveries"]
    assert [("subscriber_id", 1), ("created_at", -1)] in keys["notifications"]
    assert [("country", 1)] in keys["subscribers"]


def test_an_insert_done_before_is_refused_and_counted_as_done(store):
    subscribed, notices = stored(store)
    assert len(notices) == 3  # the three real crossings of 5 %
    assert not store.add_notification(notices[0].notification) and not store.add_delivery(notices[0].delivery)
    assert store.add_subscriber({"_id": "mof-nepal", "name": "Ministry of Finance", "country": "NPL"})
    assert not store.add_subscriber({"_id": "mof-nepal", "name": "Another", "country": "NPL"})


def test_candidates_are_the_active_subscriptions_of_the_type_holding_a_key_without_their_secrets(store):
    wanted, _ = stored(store)
    stored(store, cadence="daily")
    disabled, _ = stored(store)
    store.disable_subscription(disabled["_id"], "the receiver answered 410 Gone")
    event = real_corridor_events(ARE_NPL)[0]
    found = store.active_subscriptions_to(*matching.candidate_query(event["type"], event["data"]))
    assert wanted["_id"] in {s["_id"] for s in found} and disabled["_id"] not in {s["_id"] for s in found}
    assert len(found) == 2 and all("secrets" not in s for s in found)
    assert store.active_subscriptions_to(["corridor.cost.threshold_crossed"], ["corridor:SAU-NPL"]) == []
    assert len(store.active_subscriptions_to(["corridor.cost.threshold_crossed"])) == 2  # keys None: any
    assert "secrets" in store.subscriptions_by_id([wanted["_id"]])[wanted["_id"]]  # to sign with


def test_a_claim_is_one_holders_until_its_lease_runs_out_and_a_late_record_does_not_count(store):
    _, notices = stored(store)
    first = store.claim_due_attempts("a", LEASE, size=2)
    rest = store.claim_due_attempts("b", LEASE, size=10)
    assert len(first) == 2 and len(rest) == 1 and store.claim_due_attempts("b", LEASE) == []
    assert {d["_id"] for d in first + rest} == {n.delivery["_id"] for n in notices}  # each once
    assert all(d["status"] == "sending" and d["claimed_by"].startswith("a:") for d in first)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=LEASE + 1)
    taken_over, = store.claim_due_attempts("c", LEASE, ids=[first[0]["_id"]], now=later)
    assert not store.renew_claim(first[0], LEASE) and store.renew_claim(taken_over, LEASE)
    entry = {"at": later.isoformat(), "status_code": 200, "error": None, "duration_ms": 1.0}
    assert not store.record_attempt(first[0], "delivered", entry)
    assert store.record_attempt(taken_over, "delivered", entry)
    assert store.deliveries.find_one({"_id": taken_over["_id"]})["attempts"] == [entry]


def test_not_yet_due_is_not_claimed_and_a_replay_makes_it_due_for_its_subscriber_only(store):
    subscribed, notices = stored(store)
    claimed, = store.claim_due_attempts("a", LEASE, ids=[notices[0].delivery["_id"]])
    retry_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    store.record_attempt(claimed, "retrying", {"status_code": 500}, next_attempt_at=retry_at)
    assert store.claim_due_attempts("a", LEASE, ids=[claimed["_id"]]) == []
    assert store.replay_delivery("someone-else", claimed["_id"]) is None
    assert store.replay_delivery(subscribed["subscriber_id"], claimed["_id"])["status"] == "pending"
    again, = store.claim_due_attempts("a", LEASE, ids=[claimed["_id"]])
    assert store.replay_delivery(subscribed["subscriber_id"], again["_id"]) is None  # being sent


def test_failed_deliveries_are_counted_one_by_one_and_a_success_resets_the_count(store):
    subscribed, _ = stored(store)
    assert [store.count_failed_delivery(subscribed["_id"]) for _ in range(3)] == [1, 2, 3]
    store.reset_failures(subscribed["_id"])
    assert store.count_failed_delivery(subscribed["_id"]) == 1 and store.count_failed_delivery("subn_gone") is None


def test_deleting_a_subscription_stops_its_waiting_deliveries_only(store):
    subscribed, notices = stored(store)
    sent, = store.claim_due_attempts("a", LEASE, ids=[notices[0].delivery["_id"]])
    store.record_attempt(sent, "delivered", {"status_code": 200})
    store.delete_subscription(subscribed["_id"])
    assert store.own_subscription(subscribed["subscriber_id"], subscribed["_id"]) is None
    assert sorted(d["status"] for d in store.deliveries.find()) == ["delivered", "disabled", "disabled"]


def test_digest_windows_and_pages_read_the_notifications_in_their_order(store):
    subscribed, notices = stored(store)
    ids = [n.notification["_id"] for n in notices]
    created = notices[0].notification["created_at"]
    assert store.notification_ids_between(subscribed["_id"], created, created + dt.timedelta(seconds=1)) == sorted(ids)
    assert store.notification_ids_between(subscribed["_id"], created + dt.timedelta(seconds=1),
                                          created + dt.timedelta(days=1)) == []  # [start, end)
    assert [n["_id"] for n in store.notifications_in_order(reversed(ids))] == sorted(ids)
    first = store.notifications_page(subscribed["subscriber_id"], None, None, 2)
    second = store.notifications_page(subscribed["subscriber_id"], None, first.next_cursor, 2)
    assert [d["_id"] for d in first.docs + second.docs] == sorted(ids, reverse=True) and second.next_cursor is None
    assert first.answer(lambda d: d["_id"])["items"] == sorted(ids, reverse=True)[:2]
    with pytest.raises(InvalidInput):
        store.notifications_page(subscribed["subscriber_id"], None, "not-a-cursor", 2)
