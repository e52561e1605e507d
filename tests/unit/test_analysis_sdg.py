"""The SDG 10.c tracker, against averages and slopes computed directly from
the bundled DataBank, derived-means and WDI files."""
import statistics
from collections import defaultdict

import pytest

from observatory.analysis.sdg import CEILING_PCT, TARGET_PCT, area_averages, sdg_tracker, trend
from observatory.countries import countries
from observatory.errors import InvalidInput
from tests.unit.analysis_files import corridor_series, flow_records, raw_databank, raw_derived, raw_wdi

COUNTRIES = ["NPL", "SEN", "HTI"]


def _per_period(raw, iso3, side=2):
    grouped = defaultdict(list)
    for key, value in raw.items():
        if key[side] == iso3:
            grouped[key[0]].append(value)
    return {p: sum(v) / len(v) for p, v in grouped.items()}


def test_the_ldc_group_tracker_averages_every_corridor_into_an_ldc():
    ldcs = {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()}
    tracker = sdg_tracker(corridor_series(), ldcs)
    official = {r["period"]: r for r in tracker["averages"] if r["series"] == "official"}
    for period in ("2014Q1", "2020Q3"):
        values = [v for (p, _, d), v in raw_databank().items() if p == period and d in ldcs]
        assert official[period]["corridors"] == len(values) > 0
        assert abs(official[period]["value"] - sum(values) / len(values)) < 1e-9


def _slope_of_last_years(annual, years=5):
    last = max(annual)
    window = {y: v for y, v in annual.items() if y > last - years}
    return statistics.linear_regression(list(window), list(window.values())).slope, window


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_official_averages_per_period_equal_the_databank_file(iso3):
    official = {r["period"]: r["value"] for r in area_averages(corridor_series(), {iso3}) if r["series"] == "official"}
    expected = _per_period(raw_databank(), iso3)
    assert official.keys() == expected.keys()
    assert all(abs(official[p] - expected[p]) < 1e-9 for p in expected)


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_trend_of_the_headline_series_is_the_least_squares_slope_of_its_annual_means(iso3):
    tracker = sdg_tracker(corridor_series(), {iso3})
    assert tracker["headline"]["series"] == tracker["trend"]["series"] == "derived"
    by_year = defaultdict(list)
    for period, value in _per_period(raw_derived(), iso3).items():
        by_year[int(period[:4])].append(value)
    slope, window = _slope_of_last_years({y: sum(v) / len(v) for y, v in by_year.items()})
    assert abs(tracker["trend"]["slope_pp_per_year"] - slope) < 1e-9
    _check_reach_year(tracker["trend"], window)


def _check_reach_year(result, window):
    last_year, latest = max(window), window[max(window)]
    year, slope = result["reach_target_year"], result["slope_pp_per_year"]
    if year is None:
        assert result["reason"] == ("already_at_or_below_target" if latest <= TARGET_PCT else "not_falling")
        assert latest <= TARGET_PCT or slope >= 0
    else:
        assert latest + slope * (year - last_year) <= TARGET_PCT < latest + slope * (year - 1 - last_year)


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_trend_of_the_wdi_cost_to_receive_matches_the_wdi_file(iso3):
    record = next(r for r in flow_records() if (r["iso3"], r["series"]) == (iso3, "wdi_cost_to_receive_pct"))
    result = trend([{"period": year, "value": v} for year, v in record["values"].items()])
    slope, window = _slope_of_last_years(raw_wdi("cost_to_receive")[iso3])
    assert abs(result["slope_pp_per_year"] - slope) < 1e-9
    assert [p["year"] for p in result["annual_means"]] == list(window)
    _check_reach_year(result, window)


@pytest.mark.parametrize("iso3", ["NPL", "HTI"])
def test_the_corridors_above_5_are_those_of_the_headline_period_and_series(iso3):
    official = [f for f in corridor_series() if f["series"] == "official"]
    tracker = sdg_tracker(official, {iso3})
    period = tracker["headline"]["period"]
    expected = {s for (p, s, d), v in raw_databank().items() if (p, d) == (period, iso3) and v > CEILING_PCT}
    assert {c["source"] for c in tracker["corridors_above_ceiling"]} == expected != set()


def test_every_corridor_above_5_is_listed():
    real = [f for f in corridor_series() if f["destination"] == "NPL"]
    dearer = [{**f, "value": f["value"] + CEILING_PCT} for f in real]  # every real cost made to exceed 5 %
    tracker = sdg_tracker(dearer, {"NPL"})
    headline = tracker["headline"]
    in_headline = [f for f in dearer if (f["period"], f["series"]) == (headline["period"], headline["series"])]
    assert len(tracker["corridors_above_ceiling"]) == len(in_headline) > 0


def test_a_rising_series_has_no_year_to_reach_3_percent():
    values = sorted(p["value"] for p in _nepal_wdi_points())  # the real values in rising order
    rising = [{"period": str(2011 + i), "value": v + TARGET_PCT} for i, v in enumerate(values)]
    result = trend(rising)
    assert result["slope_pp_per_year"] > 0 and result["reach_target_year"] is None
    assert result["reason"] == "not_falling"


def _nepal_wdi_points():
    record = next(r for r in flow_records() if (r["iso3"], r["series"]) == ("NPL", "wdi_cost_to_receive_pct"))
    return [{"period": year, "value": v} for year, v in record["values"].items()]


def test_too_few_points_no_data_and_already_below():
    points = _nepal_wdi_points()
    assert trend(points[-1:])["reason"] == "too_few_points"
    assert trend([])["reason"] == "no_data"
    latest = points[-1]["value"]
    cheaper = [{**p, "value": p["value"] - latest + TARGET_PCT - 0.1} for p in points]  # the latest now under 3 %
    assert trend(cheaper)["reason"] == "already_at_or_below_target"
    assert sdg_tracker([], {"NPL"})["headline"] is None


def test_bad_parameters_are_refused_with_a_reason():
    with pytest.raises(InvalidInput):
        trend([], years=1)
    with pytest.raises(InvalidInput):
        sdg_tracker([], {"NPL"}, direction="sideways")
