"""A national plan tracked against the real RPW figures (issue 21): its
progress recorded when saved, recomputed on each publication of corridor
figures once per event, with a plan.target.changed when a target slips; and
notify finding the member state's subscriptions for it and a request's theme."""
import uuid

import pytest

from observatory.contracts.capacity import published_plan_figures
from observatory.events import new_event
from services.catalog import plan_tracking, plans
from services.catalog.members import register
from services.notify import matching
from tests.integration.capacity_helpers import rising_corridor
from tests.unit.catalog_common import empty_catalog_store
from tests.unit.notify_events import observed_series

OPERATOR = {"role": "operator"}


def history(series, corridor, last_period):
    """ingest's corridor_history answer for the real series, up to ``last_period``."""
    return {"source": corridor[0], "destination": corridor[1], "items": [
        {"period": p, "average_total_cost_pct": cost, "observed_average_pct": cost, "official_average_pct": None,
         "derived_average_pct": None} for p, cost, _ in series[corridor] if p <= last_period]}


@pytest.fixture
def tracked():
    series = observed_series()
    corridor, before, after = rising_corridor(series)
    store = empty_catalog_store("capacity_tracking")
    register(store, {"id": "mof", "name": "Ministry of Finance", "country": corridor[1], "kind": "ministry"}, OPERATOR)
    target = round(before - 1.0, 4)
    plan = {"title": "Plan", "status": "adopted", "series": "observed", "measures": [], "practice_ids": [],
            "baseline": {"period": "2013Q3", "cost_pct": round((before + 0.05 - target / 5) * 5 / 4, 4)},
            "targets": [{"year": 2014, "cost_pct": target}], "corridors": ["-".join(corridor)]}
    plans.save_plan(store, "mof", plan, OPERATOR)
    figures = published_plan_figures(plan["corridors"], lambda s, d: history(series, corridor, "2013Q4"))
    return store, series, corridor, plan_tracking.track(store, "mof", figures), after


def published(kind="rpw-quotes"):
    return new_event("dataset.published", "ingest", {"dataset_id": uuid.uuid4().hex[:16], "kind": kind,
                                                     "sha256": "0" * 64, "rows_total": 1, "rows_accepted": 1,
                                                     "rows_rejected": 0})


def test_a_plan_on_track_slips_on_the_publication_that_crosses_its_path_once_per_event(tracked):
    store, series, corridor, saved, after = tracked
    assert saved["targets"][0]["status"] == "on_track"
    event = published()
    full = lambda s, d: history(series, corridor, "2014Q1")  # noqa: E731
    assert plan_tracking.on_dataset_published(store, event, full) == ["mof"]
    doc = store.capacity.tracking.find_one({"_id": "mof"})
    (alert,) = doc["outbox"]
    assert alert["type"] == "plan.target.changed"
    assert (alert["data"]["change"], alert["data"]["from"], alert["data"]["to"]) == ("slipped", "on_track",
                                                                                   "off_track")
    assert alert["data"]["observed_pct"] == pytest.approx(after, abs=5e-5)
    assert doc["progress"]["targets"][0]["status"] == "off_track"
    assert plan_tracking.on_dataset_published(store, event, full) == []  # redelivered: nothing more
    assert len(store.capacity.tracking.find_one({"_id": "mof"})["outbox"]) == 1
    assert plan_tracking.on_dataset_published(store, published(), full) != []  # a new one: nothing changed
    assert len(store.capacity.tracking.find_one({"_id": "mof"})["outbox"]) == 1


def falling_corridor(series):
    """The first corridor (sorted) whose observed cost fell by more than 0.5 pp from 2013Q4 to 2014Q1."""
    for corridor in sorted(series):
        by_period = {p: cost for p, cost, _ in series[corridor]}
        if "2013Q4" in by_period and "2014Q1" in by_period and by_period["2013Q4"] - by_period["2014Q1"] > 0.5:
            return corridor, by_period["2013Q4"], by_period["2014Q1"]
    raise AssertionError("no corridor of the real file fell from 2013Q4 to 2014Q1")


def test_a_target_below_the_observed_cost_is_off_track_then_met_when_a_publication_crosses_it():
    """Issue 21: a 2014 target below the published cost is off track; the 2014Q1 publication that brings the
    cost under it is announced as met (the real quotes: 2013Q4, then 2014Q1)."""
    series = observed_series()
    corridor, before, after = falling_corridor(series)
    store = empty_catalog_store("capacity_tracking_met")
    register(store, {"id": "cb", "name": "Central bank", "country": corridor[1], "kind": "central_bank"}, OPERATOR)
    target = round((before + after) / 2, 4)  # under the 2013Q4 cost, over the 2014Q1 one
    plan = {"title": "Plan", "status": "adopted", "series": "observed", "measures": [], "practice_ids": [],
            "baseline": {"period": "2013Q3", "cost_pct": round(before, 4)},
            "targets": [{"year": 2014, "cost_pct": target}], "corridors": ["-".join(corridor)]}
    plans.save_plan(store, "cb", plan, OPERATOR)
    saved = plan_tracking.track(store, "cb", published_plan_figures(
        plan["corridors"], lambda s, d: history(series, corridor, "2013Q4")))
    assert saved["targets"][0]["status"] == "off_track"  # above the target, and above the path to it
    assert saved["targets"][0]["observed_pct"] == pytest.approx(before, abs=5e-5)
    full = lambda s, d: history(series, corridor, "2014Q1")  # noqa: E731
    assert plan_tracking.on_dataset_published(store, published(), full) == ["cb"]
    (alert,) = store.capacity.tracking.find_one({"_id": "cb"})["outbox"]
    assert (alert["data"]["change"], alert["data"]["from"], alert["data"]["to"]) == ("met", "off_track", "met")
    assert alert["data"]["observed_period"] == "2014Q1"
    assert alert["data"]["observed_pct"] == pytest.approx(after, abs=5e-5) and after <= target


def test_a_publication_of_other_figures_leaves_the_plans_alone(tracked):
    store = tracked[0]
    assert plan_tracking.on_dataset_published(store, published("country-flows"), None) == []


def test_notify_finds_the_member_states_subscriptions_and_a_themes_followers():
    follower = {"event_types": ["request.published"], "practice_themes": ["cost reduction"]}
    other = {"event_types": ["request.published"], "practice_themes": ["data"]}
    request = {"request_id": "r", "member_id": "m", "country": "NPL", "title": "t", "theme": "cost reduction",
               "corridor": "ARE-NPL"}
    types, keys = matching.candidate_query("request.published", request)
    assert types == ("request.published",) and {"any", "receiver:NPL", "corridor:ARE-NPL"} <= set(keys)
    assert matching.notices(follower, "request.published", request) == [("request.published", request)]
    assert matching.notices(other, "request.published", request) == []
    country = {"event_types": ["plan.target.changed"], "countries": [{"country": "NPL", "role": "either"}]}
    assert set(matching.subscription_keys(country)) & set(matching.event_keys("plan.target.changed", {
        "country": "NPL", "corridors": ["QAT-NPL"]}))
