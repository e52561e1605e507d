"""Notify's decisions without a store (plain values in, plain values out):
which subscriptions an event reaches and what each is told, on the real
corridor series of the RPW quotes; signatures; rotated secrets. What the
store does with them: test_notify.py and test_notify_store.py."""
import datetime as dt

import pytest

from services.notify import alerts, matching, subscriptions, webhooks
from tests.notify_helpers import verify
from tests.unit.notify_events import (ARE_NPL, NOW, SAU_NPL, corridor_event, expected_crossings, observed_series,
                                     real_corridor_events, subscription)

def candidates(subscribed, envelope):
    """What the store's lookup answers, over plain dicts: the active
    subscriptions to one of the types holding one of the keys."""
    types, keys = matching.candidate_query(envelope["type"], envelope["data"])
    return [s for s in subscribed if s["status"] == "active" and set(s["event_types"]) & set(types)
            and (keys is None or set(s["match_keys"]) & set(keys))]


def told(subscribed, events):
    """{(subscription id, source, destination, period, previous period, direction)} the events make."""
    return {(n.notification["subscription_id"], n.notification["data"]["source"],
             n.notification["data"]["destination"], n.notification["data"]["period"],
             n.notification["data"]["previous_period"], n.notification["data"]["direction"])
            for event in events for n in alerts.plan(event, candidates(subscribed, event), NOW)}


def test_the_standard_webhooks_example_signs_as_the_specification_says():
    signature = webhooks.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                              '{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    body = b'{"a":1}'
    assert verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                  webhooks.headers(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_1", body), body)


@pytest.mark.parametrize("average, previous, direction", [(5.2, 4.9, "up"), (5.0, 6.1, "down"), (4.0, 5.0, None),
                                                          (5.0, 5.0, None), (7.0, 6.0, None), (5.01, 5.0, "up")])
def test_a_crossing_is_from_at_or_below_the_level_to_above_it_or_back(average, previous, direction):
    crossed = matching.crossing(corridor_event(average, previous)["data"], 5.0)
    assert (crossed or {}).get("direction") == direction


def test_subscriptions_are_found_by_corridor_country_and_ldc_keys_only():
    assert matching.subscription_keys({"corridors": [{"source": "SAU", "destination": "NPL"}]}) == ["corridor:SAU-NPL"]
    assert matching.subscription_keys({"countries": [{"country": "NPL", "role": "either"}]}) == [
        "receiver:NPL", "sender:NPL"]
    assert matching.subscription_keys({}) == ["any"]
    keys = matching.event_keys("corridor.cost.changed", corridor_event(6, 4)["data"])
    assert set(keys) == {"any", "corridor:SAU-NPL", "sender:SAU", "receiver:NPL", "ldc"}  # Nepal is an LDC
    assert "ldc" not in matching.event_keys("corridor.cost.changed",
                                            corridor_event(6, 4, destination="MEX")["data"])


def test_a_ministry_is_told_exactly_the_crossings_of_the_real_series_of_its_corridors():
    by_corridor = subscription(corridors=[{"source": "ARE", "destination": "NPL"}])
    by_receiver = subscription(countries=[{"country": "NPL", "role": "receiver"}], threshold_pct=4.0)
    as_sender = subscription(countries=[{"country": "NPL", "role": "sender"}])  # Nepal sending: none of these
    events = real_corridor_events(ARE_NPL) + real_corridor_events(SAU_NPL)
    got = told([by_corridor, by_receiver, as_sender], events)
    series = observed_series()
    assert {g[1:] for g in got if g[0] == by_corridor["_id"]} == {
        ("ARE", "NPL", *crossed) for crossed in expected_crossings(series[ARE_NPL], 5.0)}
    assert {g[1:] for g in got if g[0] == by_receiver["_id"]} == {
        (*corridor, *crossed) for corridor in (ARE_NPL, SAU_NPL)
        for crossed in expected_crossings(series[corridor], 4.0)}
    assert not any(g[0] == as_sender["_id"] for g in got)
    assert {g[1:] for g in got if g[0] == by_corridor["_id"]} == {
        ("ARE", "NPL", "2011Q3", "2011Q1", "up"), ("ARE", "NPL", "2013Q1", "2012Q3", "down"),
        ("ARE", "NPL", "2014Q1", "2013Q4", "up")}  # the three crossings of 5 %, read off the file by hand


def test_a_disabled_subscription_or_another_type_is_not_a_candidate():
    crossing_event = real_corridor_events(ARE_NPL)[0]
    disabled = {**subscription(corridors=[{"source": "ARE", "destination": "NPL"}]), "status": "disabled"}
    published_only = subscription(event_types=["dataset.published"],
                                  corridors=[{"source": "ARE", "destination": "NPL"}])
    assert candidates([disabled, published_only], crossing_event) == []


def test_a_change_subscription_hears_only_changes_of_at_least_its_size():
    wanted = subscription(event_types=["corridor.cost.changed"], min_change_pp=0.5,
                          corridors=[{"source": "ARE", "destination": "NPL"}])
    events = real_corridor_events(ARE_NPL)
    heard = {n.notification["data"]["period"] for e in events for n in alerts.plan(e, [wanted], NOW)}
    series = observed_series()[ARE_NPL]
    assert heard == {period for (_, before, _), (period, now, _) in zip(series, series[1:]) if abs(now - before) >= 0.5}
    assert 0 < len(heard) < len(events)  # the filter keeps some and drops some


def test_the_same_event_plans_the_same_ids_and_a_delivery_only_where_sent_at_once():
    event = real_corridor_events(ARE_NPL)[0]  # 2011Q3: up through 5 %
    immediate = subscription(corridors=[{"source": "ARE", "destination": "NPL"}])
    daily = subscription(corridors=[{"source": "ARE", "destination": "NPL"}], cadence="daily")
    feed = subscription(corridors=[{"source": "ARE", "destination": "NPL"}], channel={"type": "feed"})
    first, again = alerts.plan(event, [immediate, daily, feed], NOW), alerts.plan(event, [immediate, daily, feed], NOW)
    assert [n.notification["_id"] for n in first] == [n.notification["_id"] for n in again]  # redelivered: same ids
    assert len({n.notification["_id"] for n in first}) == 3  # one per subscription
    sent_now, = [n for n in first if n.delivery]
    assert sent_now.notification["subscription_id"] == immediate["_id"]
    assert sent_now.delivery["_id"] == alerts.delivery_id(sent_now.notification["_id"])
    assert sent_now.delivery["status"] == "pending" and sent_now.delivery["next_attempt_at"] == NOW


def test_a_rotation_keeps_the_old_secret_for_the_overlap_only():
    old = webhooks.new_secret()
    rotated = subscriptions.rotated_secrets([{"secret": old, "expires_at": None}], "whsec_new", NOW, 3600)
    assert [s["secret"] for s in rotated] == ["whsec_new", old]
    assert subscriptions.secrets_in_force({"secrets": rotated}, NOW) == ["whsec_new", old]
    an_hour_on = NOW + dt.timedelta(seconds=3600)
    assert subscriptions.secrets_in_force({"secrets": rotated}, an_hour_on) == ["whsec_new"]
    twice = subscriptions.rotated_secrets(rotated, "whsec_newer", an_hour_on, 3600)
    assert [s["secret"] for s in twice] == ["whsec_newer", "whsec_new"]  # the expired one is dropped

