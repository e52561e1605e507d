"""Alerts end to end on the real broker: a ministry subscribes through the
API, the real RPW quotes are imported, and its webhook receiver (a local
server checking every signature with its own Standard Webhooks code) gets
exactly the threshold crossings the raw file implies, and no others."""
import time

import pytest
import requests

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests.conftest import wait_for
from tests.ingest_files import RPW_QUOTES
from tests.live import live_services
from tests.notify_helpers import Receiver
from tests.unit.notify_events import expected_crossings, observed_series

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_alerts-admin-token-0123456789abcdefghijklmnopqrstu"
API = "/api/v1"
LEVEL = 5.0


@pytest.fixture(scope="module")
def platform(vhost_pipeline):
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    receiver = Receiver()
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=10 * 1024 * 1024,
                       WEBHOOK_ALLOW_PRIVATE_NETWORKS="1", WEBHOOK_RETRY_SCHEDULE="0.2,0.2,0.2",
                       NOTIFY_DELIVERY_SECONDS=0.2) as base:
        operator = {"Authorization": f"Bearer {ADMIN}"}
        yield {"base": base, "operator": operator, "receiver": receiver}
    receiver.close()


def post(platform, path, body, token):
    return requests.post(platform["base"] + API + path, json=body, headers={"Authorization": f"Bearer {token}"},
                         timeout=30)


def get(platform, path, token, **params):
    return requests.get(platform["base"] + API + path, params=params, headers={"Authorization": f"Bearer {token}"},
                        timeout=30)


def subscriber_token(platform, subscriber_id, country):
    created = requests.post(platform["base"] + API + "/subscribers", headers=platform["operator"], timeout=30,
                            json={"id": subscriber_id, "name": f"Ministry of Finance ({country})", "country": country})
    assert created.status_code == 201, created.text
    minted = requests.post(platform["base"] + API + "/credentials", headers=platform["operator"], timeout=30,
                           json={"role": "subscriber", "subscriber_id": subscriber_id})
    assert minted.status_code == 201, minted.text
    return minted.json()["token"]


def test_nonsense_subscriptions_are_refused_field_by_field(platform):
    token = subscriber_token(platform, "mof-validation", "NPL")
    good = {"event_types": ["corridor.cost.threshold_crossed"], "threshold_pct": 5,
            "corridors": [{"source": "SAU", "destination": "NPL"}],
            "channel": {"type": "webhook", "url": "https://example.org/hook"}, "cadence": "immediate"}
    for change, field in (({"corridors": [{"source": "SAU", "destination": "XXX"}]}, "corridors"),
                          ({"threshold_pct": -1}, "threshold_pct"),
                          ({"channel": {"type": "webhook", "url": "ftp://example.org/x"}}, "channel"),
                          ({"event_types": ["corridor.cost.exploded"]}, "event_types"),
                          ({"cadence": "hourly"}, "cadence"), ({"channel": {"type": "email"}}, "channel")):
        refused = post(platform, "/subscriptions", {**good, **change}, token)
        assert refused.status_code == 400 and field in refused.json()["details"]["fields"], change
    assert post(platform, "/subscriptions", good, ADMIN).status_code == 403  # an operator is not a subscriber
    assert requests.post(platform["base"] + API + "/subscriptions", json=good, timeout=30).status_code == 401


def test_a_ministry_gets_exactly_the_crossings_the_real_file_implies_signed(platform):
    receiver = platform["receiver"]
    series = observed_series()
    crossing = sorted((c for c in series if expected_crossings(series[c], LEVEL)), key=lambda c: (c[1] != "NPL", c))[:4]
    calm = next(c for c in sorted(series) if not expected_crossings(series[c], LEVEL) and len(series[c]) > 3)
    token = subscriber_token(platform, "mof-nepal", "NPL")
    subscription = post(platform, "/subscriptions", {
        "event_types": ["corridor.cost.threshold_crossed"], "threshold_pct": LEVEL,
        "corridors": [{"source": s, "destination": d} for s, d in crossing + [calm]],
        "channel": {"type": "webhook", "url": receiver.url}, "cadence": "immediate"}, token)
    assert subscription.status_code == 201, subscription.text
    secret = subscription.json()["secret"]
    assert secret.startswith("whsec_") and "secret" not in get(platform, "/subscriptions", token).json()["items"][0]
    receiver.secrets.append(secret)
    feed = post(platform, "/subscriptions", {"event_types": ["dataset.published"], "channel": {"type": "feed"}}, token)
    assert feed.status_code == 201 and "secret" not in feed.json()

    upload = requests.post(platform["base"] + API + "/datasets", params={"kind": "rpw-quotes"},
                           data=RPW_QUOTES.read_bytes(), headers=platform["operator"], timeout=120)
    assert upload.status_code == 202, upload.text
    expected = {(s, d, *crossed) for s, d in crossing for crossed in expected_crossings(series[(s, d)], LEVEL)}
    wait_for(lambda: len(receiver.received) >= len(expected), timeout=120, interval=0.3, what="the webhooks")
    time.sleep(1.5)  # anything extra would arrive by now

    got = {(b["data"]["source"], b["data"]["destination"], b["data"]["period"], b["data"]["previous_period"],
            b["data"]["direction"]) for _, b, _ in receiver.received}
    assert got == expected and len(receiver.received) == len(expected)
    assert all(ok for _, _, ok in receiver.received), "every signature verifies with the subscriber's secret"
    assert all(b["type"] == "corridor.cost.threshold_crossed" and h["webhook-id"] == b["id"]
               for h, b, _ in receiver.received)
    for _, body, _ in receiver.received:
        s, d = body["data"]["source"], body["data"]["destination"]
        means = {period: mean for period, mean, _ in series[(s, d)]}
        assert body["data"]["average_total_cost_pct"] == pytest.approx(means[body["data"]["period"]])

    notifications = get(platform, "/notifications", token, limit=200).json()["items"]
    assert {n["type"] for n in notifications} == {"corridor.cost.threshold_crossed", "dataset.published"}
    assert [n["created_at"] for n in notifications] == sorted((n["created_at"] for n in notifications), reverse=True)
    deliveries = get(platform, "/deliveries", token, limit=200).json()["items"]
    assert len(deliveries) == len(expected) and {d["status"] for d in deliveries} == {"delivered"}
    assert all(d["attempts"][-1]["status_code"] == 200 for d in deliveries)

    replayed = post(platform, f"/deliveries/{deliveries[0]['id']}/replay", None, token)
    assert replayed.status_code == 200
    wait_for(lambda: len(receiver.received) == len(expected) + 1, timeout=15, what="the replay")
    assert receiver.received[-1][0]["webhook-id"] == deliveries[0]["notification_id"]

    everyone = requests.get(platform["base"] + API + "/admin/subscriptions", headers=platform["operator"], timeout=30,
                            params={"status": "active"}).json()["items"]
    assert subscription.json()["id"] in [s["id"] for s in everyone] and all("secret" not in s for s in everyone)
    assert get(platform, "/admin/subscriptions", token).status_code == 403

    stranger = subscriber_token(platform, "bank-bangladesh", "BGD")
    assert get(platform, "/notifications", stranger).json()["items"] == []
    assert post(platform, f"/deliveries/{deliveries[0]['id']}/replay", None, stranger).status_code == 404
