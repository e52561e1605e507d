"""The newest figure of a corridor or country, and aggregates that never mix
periods or series, on the bundled RPW files."""
from collections import Counter

from observatory.analysis.newest import newest_by, newest_figure, one_vintage_aggregate
from observatory.analysis.sdg import area_averages
from observatory.countries import countries
from tests.unit.analysis_files import corridor_series, raw_databank, raw_derived


def _newest_raw(destination):
    """The newest period any published file has for corridors into ``destination``."""
    official = [p for (p, _, d) in raw_databank() if d == destination]
    derived = [p for (p, _, d) in raw_derived() if d == destination]
    return max(official), max(derived)


def test_nepal_headlines_the_newest_period_any_series_has_with_that_series_mean():
    newest_official, newest_derived = _newest_raw("NPL")
    assert newest_derived > newest_official > "2014Q1"  # the quotes stop at 2014Q1
    headline = newest_figure(area_averages(corridor_series(), {"NPL"}))
    assert (headline["period"], headline["series"]) == (newest_derived, "derived")
    values = [v for (p, _, d), v in raw_derived().items() if (p, d) == (newest_derived, "NPL")]
    assert abs(headline["value"] - sum(values) / len(values)) < 1e-9


def test_within_one_period_observed_wins_over_official_and_official_over_derived():
    figures = [f for f in corridor_series() if (f["source"], f["destination"]) == ("GBR", "NPL")]
    up_to_quotes = [f for f in figures if f["period"] <= "2014Q1"]
    assert {f["series"] for f in up_to_quotes if f["period"] == "2014Q1"} == {"observed", "official"}
    assert newest_figure(up_to_quotes)["series"] == "observed"
    official = {f["period"] for f in figures if f["series"] == "official"}
    overlap = max(official & {f["period"] for f in figures if f["series"] == "derived"})
    before = [f for f in figures if f["period"] <= overlap]
    assert newest_figure(before) == {"series": "official", "period": overlap, "value": raw_databank()[
        (overlap, "GBR", "NPL")]}


def test_the_ldc_lens_averages_only_rows_of_one_period_and_one_series():
    ldcs = {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()}
    newest = newest_by([f for f in corridor_series() if f["destination"] in ldcs],
                       key=lambda f: (f["source"], f["destination"]))
    rows = [{"corridor": k, **figure} for k, figure in newest.items()]
    lens = one_vintage_aggregate(rows)
    aggregate = lens["aggregate"]
    vintages = Counter((r["period"], r["series"]) for r in rows)
    assert len(vintages) > 1  # the corridors' newest figures do come from different periods or series
    same = [r["value"] for r in rows if (r["period"], r["series"]) == (aggregate["period"], aggregate["series"])]
    assert aggregate["rows_used"] == len(same) == vintages.most_common(1)[0][1]
    assert abs(aggregate["value"] - sum(same) / len(same)) < 1e-9
    assert aggregate["coverage"] == len(same) / len(rows) < 1
    assert sum(v["rows"] for v in lens["other_vintages"]) == len(rows) - len(same)
    assert all({"period", "series"} <= set(r) for r in lens["rows"])


def test_empty_and_valueless_inputs_have_no_figure():
    assert newest_figure([]) is None
    real = corridor_series()[0]
    assert newest_figure([{**real, "value": None}]) is None
    assert one_vintage_aggregate([])["aggregate"] is None
    assert one_vintage_aggregate([{**real, "value": None}], rows_in_group=5)["rows_in_group"] == 5


def test_declared_prices_are_never_a_headline_even_when_newer():
    real = [f for f in corridor_series() if (f["source"], f["destination"]) == ("GBR", "NPL")]
    declared = {**max(real, key=lambda f: f["period"]), "series": "declared", "period": "2030Q1"}
    assert newest_figure(real + [declared]) == newest_figure(real)
