"""Corridor scorecards, checked against the quotes file read with csv alone."""
import pytest

from observatory.analysis.scorecard import corridor_scorecard, receiving_country_summary
from services.ingest.indicators import Quote, corridor_figures
from tests.unit.analysis_files import quotes, quotes_of, raw_quote_rows

CORRIDORS = [("2014Q1", "GBR", "NPL"), ("2014Q1", "FRA", "SEN"), ("2014Q1", "USA", "HTI")]


def _raw(period, source, destination):
    wanted = (period, source, destination)
    return [r for r in raw_quote_rows() if (r["period"], r["source"], r["destination"]) == wanted]


@pytest.mark.parametrize("corridor", CORRIDORS, ids="-".join)
def test_counts_spread_and_shares_equal_the_file(corridor):
    raw = _raw(*corridor)
    card = corridor_scorecard(quotes_of(*corridor))
    costs = sorted(float(r["cc1.total.cost.."]) for r in raw if r["transparent"] == "yes")
    assert card["providers"] == len({r["firm"] for r in raw})
    assert card["products"] == len({(r["firm"], r["product"]) for r in raw})
    assert card["quotes"] == len(raw)
    assert card["cheapest_total_cost_pct"] == costs[0]
    assert abs(card["spread_pp"] - (sum(costs) / len(costs) - costs[0])) < 1e-9
    assert card["share_below_5"] == sum(c < 5 for c in costs) / len(costs)
    assert card["share_at_or_below_3"] == sum(c <= 3 for c in costs) / len(costs)
    assert card["share_transparent"] == len(costs) / len(raw)
    assert sum(card["mix"]["firm_type"].values()) == len(raw)
    assert card["mix"]["speed"] == {s: sum(r["speed.actual"] == s for r in raw) for s in card["mix"]["speed"]}


@pytest.mark.parametrize("corridor", CORRIDORS, ids="-".join)
def test_smart_is_the_three_cheapest_transparent_quotes_within_5_days(corridor):
    raw = _raw(*corridor)
    fast = sorted(float(r["cc1.total.cost.."]) for r in raw
                  if r["transparent"] == "yes" and r["speed.actual"] != "6 days or more")
    smart = corridor_scorecard(quotes_of(*corridor))["smart"]
    assert smart["quotes_qualifying"] == len(fast) >= 3
    assert abs(smart["value"] - sum(fast[:3]) / 3) < 1e-9
    # the corridor answer publishes the same SmaRT figure
    published = corridor_figures([Quote.from_record(q) for q in quotes_of(*corridor)])["smart_average_pct"]
    assert abs(smart["value"] - published) < 1e-9
    assert smart["criteria_not_checked"]  # what the quotes cannot tell is said


def test_a_receiving_country_lists_every_corridor_in_its_newest_period():
    raw = [r for r in raw_quote_rows() if r["destination"] == "HTI"]
    summary = receiving_country_summary(quotes(), "HTI")
    newest = {s: max(r["period"] for r in raw if r["source"] == s) for s in {r["source"] for r in raw}}
    assert {(c["source"], c["period"]) for c in summary["corridors"]} == set(newest.items())
    averages = [c["average_total_cost_pct"] for c in summary["corridors"]]
    assert summary["cheapest_corridor"]["average_total_cost_pct"] == min(averages)
    assert summary["dearest_corridor"]["average_total_cost_pct"] == max(averages)


def test_an_empty_corridor_has_counts_of_zero_and_no_costs():
    card = corridor_scorecard([])
    assert (card["providers"], card["quotes"], card["average_total_cost_pct"], card["spread_pp"]) == (0, 0, None, None)
    assert card["smart"]["value"] is None and card["smart"]["reason"]
    assert receiving_country_summary(quotes(), "XXX")["corridors"] == []


def test_a_corridor_of_only_undisclosed_rates_has_no_cost_figures():
    hidden = [{**q, "transparent": False} for q in quotes_of(*CORRIDORS[0])]
    card = corridor_scorecard(hidden)
    assert card["providers"] == len({q["firm"] for q in hidden}) and card["share_transparent"] == 0
    assert card["share_below_5"] is None and card["smart"]["quotes_qualifying"] == 0


def test_fewer_than_three_fast_quotes_give_no_smart():
    real = quotes_of(*CORRIDORS[0])
    slow = [{**q, "within_5_days": False} for q in real[2:]] + real[:2]
    smart = corridor_scorecard(slow)["smart"]
    assert smart["value"] is None and smart["quotes_qualifying"] <= 2
