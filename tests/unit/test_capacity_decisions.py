"""Capacity building's decisions as plain functions, without a store: a plan's
progress on the real RPW corridor figures, what a peer-learning request is
suggested from the real practice library, the calendar feed. No mongomock."""
import datetime as dt
import json

import pytest

from services.catalog import members, peer_suggestions, practices, resources
from services.catalog.plan_progress import plan_progress, progress_changes
from tests.unit.analysis_files import corridor_series

NEPAL_CORRIDORS = ["ARE-NPL", "GBR-NPL", "SAU-NPL"]
NOW = dt.datetime(2024, 1, 1)


@pytest.fixture(scope="module")
def figures():
    return [{"corridor": f"{f['source']}-{f['destination']}", **f} for f in corridor_series()]


def nepal_plan(target_2014, target_2030=3.0, baseline=4.71):
    return {"corridors": NEPAL_CORRIDORS, "series": "observed", "baseline": {"period": "2011Q1", "cost_pct": baseline},
            "targets": [{"year": 2014, "cost_pct": target_2014}, {"year": 2030, "cost_pct": target_2030}]}


def observed_mean(figures, period):
    values = [f["value"] for f in figures if f["corridor"] in NEPAL_CORRIDORS and f["period"] == period
              and f["series"] == "observed"]
    return sum(values) / len(values)



def test_a_nepal_target_below_the_observed_2014q1_cost_is_off_track(figures):
    cost_2014q1 = observed_mean(figures, "2014Q1")
    progress = plan_progress(nepal_plan(target_2014=cost_2014q1 - 1), figures)
    target_2014 = progress["targets"][0]
    assert progress["newest"]["period"] == "2014Q1"
    assert target_2014["observed_period"] == "2014Q1"
    assert target_2014["observed_pct"] == pytest.approx(cost_2014q1, abs=1e-4)
    assert target_2014["status"] == "off_track"


def test_a_target_at_or_above_the_observed_cost_is_met(figures):
    progress = plan_progress(nepal_plan(target_2014=observed_mean(figures, "2014Q1") + 0.01), figures)
    assert progress["targets"][0]["status"] == "met"


def test_a_far_target_below_the_cost_but_above_the_path_is_on_track(figures):
    # 2014Q1 is 12 of the 79 quarters from 2011Q1 to 2030Q4: from 6 % to 5 %, the path is at 5.85 %
    progress = plan_progress(nepal_plan(target_2014=9, target_2030=5.0, baseline=6.0), figures)
    target_2030 = progress["targets"][1]
    assert target_2030["observed_pct"] > 5.0 and target_2030["expected_pct"] >= target_2030["observed_pct"]
    assert target_2030["status"] == "on_track"


def test_a_year_gone_by_without_its_target_is_off_track_even_on_its_path(figures):
    plan = nepal_plan(target_2014=9, target_2030=5.0, baseline=6.0)
    assert plan_progress(plan, figures, today_period="2031Q1")["targets"][1]["status"] == "off_track"


def test_a_plan_on_corridors_without_figures_has_no_data(figures):
    plan = {**nepal_plan(3.0), "corridors": ["NPL-ARE"]}
    assert {t["status"] for t in plan_progress(plan, figures)["targets"]} == {"no_data"}


def test_a_later_publication_crossing_the_target_makes_the_alert(figures):
    """The publication of 2014Q1 after 2013Q4: the observed 2013Q4 cost met a
    target between the two costs; 2014Q1 is above it: the target slipped."""
    earlier = [f for f in figures if f["period"] != "2014Q1"]
    target = (observed_mean(figures, "2013Q4") + observed_mean(figures, "2014Q1")) / 2
    assert observed_mean(figures, "2013Q4") < target < observed_mean(figures, "2014Q1")
    before, after = plan_progress(nepal_plan(target), earlier), plan_progress(nepal_plan(target), figures)
    assert before["targets"][0]["status"] == "met"
    assert progress_changes(before, after) == [{"year": 2014, "change": "slipped", "from": "met", "to": "off_track"}]
    assert progress_changes(after, before) == [{"year": 2014, "change": "met", "from": "off_track", "to": "met"}]
    assert progress_changes(after, after) == []


def library():
    items = json.loads(practices.SEED_FILE.read_text(encoding="utf-8"))
    return [practices.new_practice_doc({**item, "status": "published"}, "seed", NOW) for item in items]


def course(title, themes, start=None):
    """Resources named in issue 21 (IOM's e-Campus, the AIR's guide)."""
    return resources.new_resource_doc({"kind": "course", "title": title, "summary": "", "themes": themes,
                                       "start": start, "end": None}, {"role": "operator"}, NOW)


def test_a_request_on_a_theme_gets_that_themes_practices_and_resources_ranked_by_its_words():
    request = {"member_id": "npl-nrb", "title": "Compiling remittance statistics", "theme": "statistics"}
    guide = course("Remittance data compilation guide", ["statistics", "data"])
    other = course("Consumer protection for migrants", ["consumer protection"])
    answer = peer_suggestions.suggest(request, library(), [other, guide], [], [])
    assert [p["id"] for p in answer["practices"]] == ["measuring-remittance-flows"]
    assert [r["id"] for r in answer["resources"]] == ["remittance-data-compilation-guide"]


def test_member_states_suggested_adopted_a_suggested_practice_or_saw_their_corridors_improve_never_the_askers():
    request = {"member_id": "npl-nrb", "country": "NPL", "title": "Lowering the cost of ARE to NPL",
               "theme": "cost reduction", "corridor": "ARE-NPL"}
    kenya = {"_id": "ken-cbk", "country": "KEN", "plan": {"practice_ids": ["mobile-money-channels"]}}
    india = {"_id": "ind-rbi", "country": "IND", "plan": {}}
    asker = {"_id": "npl-nrb", "country": "NPL", "plan": {"practice_ids": ["mobile-money-channels"]}}
    compatriot = {"_id": "npl-mof", "country": "NPL", "plan": {}}
    improved = [{"country": "NPL", "drop_pct_points": 2.0, "corridors": 1, "best": {}},
                {"country": "IND", "drop_pct_points": 1.2, "corridors": 1, "best": {}}]
    answer = peer_suggestions.suggest(request, library(), [], [kenya, india, asker, compatriot], improved)
    assert "mobile-money-channels" in [p["id"] for p in answer["practices"]]
    # KEN: the library records it as adopting mobile money and its bank's plan links it; IND improved; NPL asks.
    assert [(s["country"], s["institutions"], s["adopted"]) for s in answer["member_states"]] == [
        ("KEN", ["ken-cbk"], ["mobile-money-channels"]), ("IND", ["ind-rbi"], [])]
    assert answer["member_states"][1]["cost_change"] == improved[1]
    assert [m["id"] for m in answer["members"]] == ["ken-cbk", "ind-rbi"]


def test_a_theme_only_request_is_suggested_the_countries_the_library_records_as_adopters():
    """No institution of the USA is registered: the country is named all the same (it adopted the practice)."""
    request = {"member_id": "npl-nrb", "country": "NPL", "title": "Disclosing prices before payment",
               "theme": "consumer protection"}
    answer = peer_suggestions.suggest(request, library(), [], [{"_id": "npl-nrb", "country": "NPL"}], [])
    suggested = [p["id"] for p in answer["practices"]]
    assert "disclosure-before-payment-us-remittance-rule" in suggested
    assert [s["country"] for s in answer["member_states"]] == ["USA"]
    assert answer["member_states"][0]["adopted"] == ["disclosure-before-payment-us-remittance-rule"]
    assert answer["member_states"][0]["institutions"] == [] and answer["members"] == []


def test_the_calendar_holds_published_dated_resources_only():
    dated = course("IOM e-Campus remittances course", ["statistics"], start=dt.datetime(2025, 3, 3))
    undated = course("Remittance data compilation guide", ["statistics"])
    proposed = {**course("Peer learning between central banks", [], start=dt.datetime(2025, 1, 1)),
                "status": "proposed"}
    (event,) = resources.calendar_events([undated, proposed, dated])
    assert event == {"uid": "iom-e-campus-remittances-course@remittances-observatory",
                     "summary": "IOM e-Campus remittances course", "start": dt.datetime(2025, 3, 3),
                     "end": dt.datetime(2025, 3, 3), "url": "/api/v1/resources/iom-e-campus-remittances-course"}


def point(point_id, listed, share):
    return {"id": point_id, "name": point_id.upper(), "listed": listed, "share_contact_with": share,
            "contact": {"email": f"{point_id}@nrb.org.np"}}


POINTS = [point("a", True, "public"), point("b", True, "members"), point("c", True, "none"),
          point("d", False, "public")]
MEMBER = {"_id": "npl-nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank",
          "focal_points": POINTS}


def test_contact_details_are_shown_only_to_whom_the_focal_point_chose():
    public = members.view_for(MEMBER)
    peer = members.view_for(MEMBER, {"role": "member", "member_id": "ken-cbk"})
    own = members.view_for(MEMBER, {"role": "member", "member_id": "npl-nrb"})
    assert [p["id"] for p in public["focal_points"]] == ["a", "b", "c"]
    assert [p["id"] for p in public["focal_points"] if "contact" in p] == ["a"]
    assert [p["id"] for p in peer["focal_points"] if "contact" in p] == ["a", "b"]
    assert [p["id"] for p in own["focal_points"]] == ["a", "b", "c", "d"]
    assert "b@nrb.org.np" not in json.dumps(public) and "c@nrb.org.np" not in json.dumps(peer)
