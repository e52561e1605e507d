"""Practices that fit a country's situation, on the real files: the needs
found equal what the quotes and series files say (counted here with the csv
module), and every practice chosen answers one of them, saying why."""
import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from observatory.analysis.practices_fit import NEEDS, practices_that_fit, situation
from observatory.analysis.sdg import sdg_tracker
from tests.integration.test_analysis_api import period_key, raw_country_costs, raw_newest
from tests.unit.analysis_files import corridor_series, raw_quote_rows

LIBRARY = json.loads((Path(__file__).resolve().parents[2] / "services" / "catalog" / "practices.json").read_text())
TODAY = dt.date(2026, 12, 2)


def raw_pickup_and_providers(iso3):
    """The pick-up methods of the quotes into ``iso3`` in each corridor's newest quarter, and the distinct
    firms of its newest quarter, from the quotes file."""
    rows = [r for r in raw_quote_rows() if r["destination"] == iso3]
    newest = defaultdict(str)
    for r in rows:
        if not newest[r["source"]] or period_key(r["period"]) > period_key(newest[r["source"]]):
            newest[r["source"]] = r["period"]
    pickup = Counter(r["pick.up.method"] or "unrecorded" for r in rows if r["period"] == newest[r["source"]])
    last = max((r["period"] for r in rows), key=period_key)
    return pickup, {"value": len({r["firm"] for r in rows if r["period"] == last}), "period": last}


def raw_cash_share(pickup):
    known = {k: n for k, n in pickup.items() if k not in ("unrecorded", "NA")}
    return sum(n for k, n in known.items() if "cash" in k.lower() or "agent" in k.lower()) / sum(known.values())


@pytest.mark.parametrize("iso3", ["NPL", "SEN", "HTI"])
def test_the_practices_chosen_answer_the_situation_the_files_show(iso3):
    tracker = sdg_tracker(corridor_series(), {iso3}, "receiving")
    headline, costs = tracker["headline"], raw_country_costs(iso3)
    newest = raw_newest(costs)
    assert (headline["series"], headline["period"]) == newest and headline["value"] == pytest.approx(costs[newest])
    pickup, providers = raw_pickup_and_providers(iso3)
    needs = situation(headline, tracker["trend"], pickup, providers, is_ldc=True, today=TODAY)
    assert ("cost_above_ceiling" in needs) == (costs[newest] > 5)
    assert ("cash_pickup" in needs) == (raw_cash_share(pickup) > 0.5)
    assert ("few_providers" in needs) == (providers["value"] <= 5)
    assert "old_survey" in needs and "ldc" in needs  # the quotes end in 2014
    if costs[newest] > 3:
        assert "off_track" in needs or tracker["trend"]["reach_target_year"] <= 2030
    for need in ("off_track", "cost_above_ceiling"):
        if need in needs:  # the why names the figure as the files give it
            assert f"{costs[newest]:.2f} % ({newest[0]}, {newest[1]})" in needs[need]
    chosen = practices_that_fit(needs, LIBRARY, iso3)
    assert chosen
    for practice in chosen:
        assert practice["answers"] and practice["why"] == [needs[n] for n in practice["answers"]]
        assert all(set(practice["themes"]) & set(NEEDS[n]) for n in practice["answers"])
    major = [n for n in needs if n not in ("old_survey", "ldc")]
    best = max(len({n for n in major if set(p["themes"]) & set(NEEDS[n])}) for p in LIBRARY)
    assert len([n for n in chosen[0]["answers"] if n in major]) == best  # the first answers the most major needs
    if "cash_pickup" in needs:
        assert "mobile-money-channels" in [p["id"] for p in chosen]


def test_a_cheap_well_served_recent_market_needs_no_cost_or_entry_practice():
    needs = situation({"value": 2.1, "series": "observed", "period": "2026Q3"},
                      {"reason": "already_at_or_below_target"}, {"Bank account": 8, "Cash": 2},
                      {"value": 12, "period": "2026Q3"}, today=TODAY)
    assert needs == {}
    assert practices_that_fit(needs, LIBRARY) == []
