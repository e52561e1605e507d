"""Which member states' receiving corridors got cheaper (issue 21's peer
suggestions), against first and newest figures read from the bundled RPW
files with the csv module alone."""
from collections import defaultdict

import pytest

from observatory.analysis.cost_change import (
    corridor_cost_changes,
    countries_improved,
    request_scope,
)
from tests.unit.analysis_files import corridor_series, raw_databank, raw_derived, raw_quote_rows

COUNTRIES = ["NPL", "SEN", "HTI", "KEN"]


def _raw_points(country, sending=None):
    """{corridor: {series: {period: value}}} from the DataBank and derived CSVs; observed periods counted from
    the quotes file (only their number matters: the tests check the observed series never has the most)."""
    points = defaultdict(lambda: defaultdict(dict))
    for series, raw in (("official", raw_databank()), ("derived", raw_derived())):
        for (period, source, destination), value in raw.items():
            if destination == country and sending in (None, source):
                points[f"{source}-{destination}"][series][period] = value
    for row in raw_quote_rows():
        if row["destination"] == country and sending in (None, row["source"]):
            points[f"{row['source']}-{row['destination']}"]["observed"].setdefault(row["period"], None)
    return points


def _expected_drops(country, sending=None):
    drops = {}
    for corridor, by_series in _raw_points(country, sending).items():
        counts = {s: len(v) for s, v in by_series.items()}
        best = max(counts.values())
        assert counts.get("observed", 0) < best or best < 2  # the file-only computation holds
        # The most periods; on a tie observed, then official, then derived (observed is never the one here).
        series = next(s for s in ("official", "derived") if counts.get(s) == best) if best >= 2 else None
        if series:
            periods = sorted(by_series[series], key=lambda p: (p[:4], p[5]))
            drops[corridor] = (series, by_series[series][periods[0]] - by_series[series][periods[-1]])
    return drops


@pytest.mark.parametrize("country", COUNTRIES)
def test_each_receiving_corridors_change_is_its_first_minus_newest_figure_in_one_series(country):
    changes = {c["corridor"]: c for c in corridor_cost_changes(corridor_series(), [country])}
    expected = _expected_drops(country)
    assert set(changes) == set(expected) and expected
    for corridor, (series, drop) in expected.items():
        assert changes[corridor]["series"] == series
        assert changes[corridor]["drop_pct_points"] == pytest.approx(drop, abs=1e-4)


def test_countries_rank_by_the_mean_fall_of_their_receiving_corridors():
    ranked = countries_improved(corridor_cost_changes(corridor_series(), COUNTRIES))
    means = {}
    for country in COUNTRIES:
        drops = [d for _, d in _expected_drops(country).values()]
        means[country] = sum(drops) / len(drops)
    improved = sorted((c for c in COUNTRIES if means[c] > 0), key=lambda c: -means[c])
    assert [r["country"] for r in ranked] == improved and len(improved) >= 2
    for row in ranked:
        assert row["drop_pct_points"] == pytest.approx(means[row["country"]], abs=1e-4)
        assert row["corridors"] == len(_expected_drops(row["country"]))
        best = max(d for _, d in _expected_drops(row["country"]).values())
        assert row["best"]["drop_pct_points"] == pytest.approx(best, abs=1e-4)


def test_a_corridor_request_compares_the_receiving_corridors_of_the_same_sending_market():
    changes = corridor_cost_changes(corridor_series(), ["NPL", "IND", "BGD"], sending="ARE")
    assert {c["corridor"] for c in changes} == {"ARE-NPL", "ARE-IND", "ARE-BGD"}
    for change in changes:
        series, drop = _expected_drops(change["country"], "ARE")[change["corridor"]]
        assert (change["series"], change["drop_pct_points"]) == (series, pytest.approx(drop, abs=1e-4))


def test_a_country_whose_corridors_got_dearer_is_not_suggested():
    dearer = [{"source": "ARE", "destination": "BGD", "series": "official", "period": p, "value": v}
              for p, v in (("2011Q1", 2.0), ("2020Q3", 3.0))]
    assert corridor_cost_changes(dearer, ["BGD"])[0]["drop_pct_points"] == -1.0
    assert countries_improved(corridor_cost_changes(dearer, ["BGD"])) == []


def test_corridor_and_cost_theme_requests_are_compared_on_cost_other_themes_are_not():
    assert request_scope({"corridor": "ARE-NPL", "theme": "statistics"}) == {"sending": "ARE"}
    assert request_scope({"corridor": None, "theme": "cost reduction"}) == {"sending": None}
    assert request_scope({"corridor": None, "theme": "statistics"}) is None
