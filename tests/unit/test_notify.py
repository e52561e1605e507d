"""Notify without a broker, on its store (mongomock): events to
notifications, the network guard, and delivery (retries, 410, replay,
rotation, claims, a dead instance's lease) against a real local HTTP receiver
and a real local SMTP server. The decisions alone, without a store:
test_notify_decisions.py and test_notify_retries.py."""
import dataclasses
import datetime as dt

import pytest

from observatory.contracts.notify import SubscriptionCreateSchema
from observatory.errors import UnsafeDestination
from services.notify import alerts, delivery, matching, messages, retries, subscriptions, webhooks
from services.notify.addresses import AddressPolicy
from tests.live import free_port
from tests.notify_helpers import verify
from tests.unit.notify_common import FAST, LOCAL, corridor_event, receiver, store, subscribe  # noqa: F401 (fixtures)


def test_an_event_notifies_each_matching_subscription_once_even_redelivered(store, receiver):
    wanted = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    subscribe(store, receiver, corridors=[{"source": "USA", "destination": "MEX"}])  # another corridor
    subscribe(store, receiver, countries=[{"country": "NPL", "role": "sender"}])  # Nepal as sender: not this one
    ldc = subscribe(store, receiver, ldc_destinations=True, threshold_pct=5.5)  # its own level: 5.2 does not cross 5.5
    event = corridor_event(5.2, 4.9)
    created = alerts.apply_event(store, event)
    assert alerts.apply_event(store, event) == []  # redelivered: nothing new
    notified = store.notifications.find_one({"_id": created[0]})
    assert len(created) == 1 and notified["subscription_id"] == wanted["id"]
    assert notified["data"]["direction"] == "up" and notified["data"]["threshold_pct"] == 5.0
    assert alerts.apply_event(store, corridor_event(5.6, 5.2)) and ldc["id"] in {
        n["subscription_id"] for n in store.notifications.find({"data.threshold_pct": 5.5})}


def test_a_webhook_is_signed_retried_after_500_with_the_same_id_and_logged(store, receiver):
    subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    receiver.answers = [500, 503]
    assert delivery.deliver_due(store, "w1", FAST) == 3  # no wait in this schedule: due again at once
    assert [r[2] for r in receiver.received] == [True, True, True]
    assert len({r[0]["webhook-id"] for r in receiver.received}) == 1
    body = receiver.received[0][1]
    assert set(body) == {"id", "type", "occurred_at", "data"} and body["id"] == receiver.received[0][0]["webhook-id"]
    logged = store.deliveries.find_one()
    assert logged["status"] == "delivered" and [a["status_code"] for a in logged["attempts"]] == [500, 503, 200]


def test_410_disables_the_endpoint_and_exhausted_retries_fail_the_delivery(store, receiver):
    subscribed = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    receiver.answers = [410]
    delivery.deliver_due(store, "w1", FAST)
    assert subscriptions.list_subscriptions(store, subscribed["subscriber_id"])["items"][0]["status"] == "disabled"
    assert alerts.apply_event(store, corridor_event(4.0, 5.2)) == []  # a disabled subscription hears nothing more

    other = subscribe(store, receiver, corridors=[{"source": "USA", "destination": "MEX"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9, source="USA", destination="MEX"))
    receiver.answers = [500] * 10
    while delivery.deliver_due(store, "w1", FAST):
        pass
    failed = store.deliveries.find_one({"subscription_id": other["id"]})
    assert failed["status"] == "failed" and len(failed["attempts"]) == len(FAST.schedule) + 1


def test_replay_sends_the_same_webhook_id_again(store, receiver):
    subscribed = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    delivery.deliver_due(store, "w1", FAST)
    sent = store.deliveries.find_one()
    assert delivery.replay(store, "someone-else", sent["_id"]) is None
    assert delivery.replay(store, subscribed["subscriber_id"], sent["_id"])["status"] == "pending"
    delivery.deliver_due(store, "w1", FAST)
    assert [r[0]["webhook-id"] for r in receiver.received] == [sent["notification_id"]] * 2


def test_during_a_rotation_both_secrets_sign_and_each_verifies(store, receiver):
    subscribed = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    old = receiver.secrets[0]
    rotated = subscriptions.rotate_secret(store, subscribed["subscriber_id"], subscribed["id"], overlap_seconds=3600)
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    delivery.deliver_due(store, "w1", FAST)
    headers, body, _ = receiver.received[0]
    raw = messages.webhook_body(store.notifications.find_one())
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify(old, headers, raw) and verify(rotated["secret"], headers, raw) and rotated["secret"] != old


def test_private_loopback_and_link_local_urls_are_refused_without_the_setting(store):
    for url in ("http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]/x",
                "http://192.168.0.10/", "http://localhost:8080/"):
        with pytest.raises(UnsafeDestination):
            webhooks.check_destination(url, AddressPolicy())
        webhooks.check_destination(url, LOCAL)
    webhooks.check_destination("https://8.8.8.8/hook", AddressPolicy())  # a public address passes
    subscriber = subscriptions.create_subscriber(store, {"name": "Central bank", "country": "BGD"})
    request = SubscriptionCreateSchema().load({"event_types": ["dataset.published"],
                                               "channel": {"type": "webhook", "url": "http://127.0.0.1:9/x"}})
    with pytest.raises(UnsafeDestination):
        subscriptions.create_subscription(store, subscriber["id"], request, AddressPolicy())


def test_two_instances_claim_each_attempt_once_and_a_dead_instances_lease_runs_out(store, receiver):
    subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    first, = store.claim_due_attempts("instance-a", FAST.lease_seconds)
    assert store.claim_due_attempts("instance-b", FAST.lease_seconds) == []  # claimed: not due for b
    # instance-a dies mid-send; once its lease runs out the attempt is due again, same notification
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=FAST.lease_seconds + 1)
    again, = store.claim_due_attempts("instance-b", FAST.lease_seconds, now=later)
    assert again["_id"] == first["_id"] and again["claimed_by"].startswith("instance-b")
    assert delivery.attempt(store, again, FAST) == "delivered"
    late = retries.attempt_entry({"status_code": 200}, dt.datetime.now(dt.timezone.utc))
    assert store.record_attempt(first, "delivered", late) is False  # a's late record does not count
    logged = store.deliveries.find_one()
    assert len(logged["attempts"]) == 1 and len(receiver.received) == 1


@pytest.fixture
def smtp_inbox():
    """A real SMTP server on a free port: (its SmtpSettings, the messages it received)."""
    from aiosmtpd.controller import Controller

    from services.notify import mail

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield dataclasses.replace(mail.SmtpSettings(), host="127.0.0.1", port=port), inbox.messages
    controller.stop()


def test_email_arrives_at_a_real_smtp_server_with_text_and_html(smtp_inbox):
    from services.notify import mail

    settings, messages = smtp_inbox
    crossed = {"type": "corridor.cost.threshold_crossed", "data": matching.crossing(
        corridor_event(5.2, 4.9)["data"], 5.0)}
    mail.send(settings, "alerts@mof.gov.np", [crossed])
    message = messages[0]
    text = message.content.decode()
    assert message.rcpt_tos == ["alerts@mof.gov.np"]
    assert "SAU → NPL" in text or "SAU =E2=86=92 NPL" in text
    assert "text/plain" in text and "text/html" in text and "5.20" in text


def test_an_email_subscriptions_delivery_goes_out_through_smtp_and_is_logged(store, smtp_inbox):
    from services.notify import mail

    settings, messages = smtp_inbox
    subscriber = subscriptions.create_subscriber(store, {"name": "Ministry of Finance", "country": "NPL"})
    request = SubscriptionCreateSchema().load({"event_types": ["corridor.cost.threshold_crossed"],
                                               "corridors": [{"source": "SAU", "destination": "NPL"}],
                                               "channel": {"type": "email", "email": "alerts@mof.gov.np"}})
    subscriptions.create_subscription(store, subscriber["id"], request, AddressPolicy())
    alerts.apply_event(store, corridor_event(5.2, 4.9))
    send_email = lambda to, carried, title: mail.send(settings, to, carried, title)  # noqa: E731
    assert delivery.deliver_due(store, "w1", FAST, send_email) == 1
    logged = store.deliveries.find_one()
    assert logged["channel"] == "email" and logged["status"] == "delivered"
    assert len(messages) == 1 and messages[0].rcpt_tos == ["alerts@mof.gov.np"]
    assert "5.20" in messages[0].content.decode()


def test_a_daily_digest_groups_the_days_notifications_once(store, receiver):
    from services.notify import digests

    daily = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}], cadence="daily")
    immediate = subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    alerts.apply_event(store, corridor_event(5.2, 4.9, period="2013Q4", previous_period="2013Q3"))
    alerts.apply_event(store, corridor_event(4.8, 5.2))
    yesterday = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    store.notifications.update_many({}, {"$set": {"created_at": yesterday}})
    alerts.apply_event(store, corridor_event(5.5, 4.8, period="2014Q2", previous_period="2014Q1"))  # today's: not yet
    assert store.deliveries.count_documents({"subscription_id": daily["id"]}) == 0  # nothing immediate
    queued = digests.queue_digests(store, )
    assert len(queued) == 1 and digests.queue_digests(store, ) == []  # once per window
    delivery.deliver_due(store, "w1", FAST)
    digest = [body for _, body, ok in receiver.received if body["type"] == "digest"]
    assert len(digest) == 1 and all(ok for _, _, ok in receiver.received)
    assert digest[0]["data"]["cadence"] == "daily"
    assert sorted(n["data"]["direction"] for n in digest[0]["data"]["notifications"]) == ["down", "up"]
    assert len([b for _, b, _ in receiver.received if b["type"] != "digest"]) == 3  # the immediate one: each
    assert immediate["id"] != daily["id"]


def test_an_events_fresh_deliveries_go_out_at_once_and_only_once(store, receiver):
    subscribe(store, receiver, corridors=[{"source": "SAU", "destination": "NPL"}])
    subscribe(store, receiver, countries=[{"country": "NPL", "role": "receiver"}])
    fresh, event = [], corridor_event(5.2, 4.9)
    alerts.apply_event(store, event, fresh)
    assert len(fresh) == 2
    assert delivery.deliver_now(store, "instance-a", FAST, fresh) == 2
    assert delivery.deliver_now(store, "instance-b", FAST, fresh) == 0  # already sent: not due
    assert delivery.deliver_due(store, "instance-b", FAST) == 0  # nor for the timer
    assert len(receiver.received) == 2 and all(verified for _, _, verified in receiver.received)
    assert {d["status"] for d in store.deliveries.find()} == {"delivered"}
    redelivered = []
    alerts.apply_event(store, event, redelivered)
    assert redelivered == []  # the same event again creates no delivery to send
