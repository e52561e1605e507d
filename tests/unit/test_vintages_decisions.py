"""The decisions of vintages over plain values (no store): which figures a
publication changes, how each is keyed, and the timestamps asOf takes."""
import datetime as dt

import pytest

from gateway.resources.published import permalink
from gateway.sdmx import history
from services.ingest import vintages


def corridor(value, value_500=None, quotes=10):
    return {"average_total_cost_pct": value, "average_total_cost_pct_500": value_500, "quotes_total": quotes,
            "quotes_transparent": quotes, "dataset_id": "d1"}


def test_a_corridor_period_is_one_figure_per_series_and_amount_in_the_dataflows_dimensions():
    figures = vintages.corridor_figures("observed", "2014Q1", "ARE:EGY", corridor(4.5, 2.1))
    assert sorted(figures) == ["RPW_CORRIDOR_COST:Q.ARE.EGY.OBSERVED.USD200:2014-Q1",
                               "RPW_CORRIDOR_COST:Q.ARE.EGY.OBSERVED.USD500:2014-Q1"]
    observation, payload = figures["RPW_CORRIDOR_COST:Q.ARE.EGY.OBSERVED.USD200:2014-Q1"]
    assert observation["OBS_VALUE"] == 4.5 and observation["QUOTES"] == 10 and payload is None  # in the states
    official = vintages.corridor_figures("official", "2014Q1", "ARE:EGY", corridor(4.5))
    assert list(official) == ["RPW_CORRIDOR_COST:Q.ARE.EGY.OFFICIAL.USD200:2014-Q1"]  # no USD 500 value: no figure
    assert official["RPW_CORRIDOR_COST:Q.ARE.EGY.OFFICIAL.USD200:2014-Q1"][1]["dataset_id"] == "d1"
    assert vintages.corridor_figures("observed", "2014Q1", "ARE:EGY", corridor(None)) == {}


def test_only_figures_whose_value_moved_are_changes_and_a_figure_gone_is_a_delete():
    before = {**vintages.corridor_figures("observed", "2014Q1", "ARE:EGY", corridor(4.5, 2.1)),
              **vintages.corridor_figures("observed", "2014Q1", "ARE:IND", corridor(3.0, 1.0))}
    after = {**vintages.corridor_figures("observed", "2014Q1", "ARE:EGY", corridor(4.5, 2.2, quotes=11)),
             **vintages.corridor_figures("observed", "2014Q1", "ARE:IND", corridor(3.0 + 1e-12)),
             **vintages.corridor_figures("observed", "2014Q1", "ARE:PAK", corridor(5.0))}
    found = vintages.changes(before, after)
    assert [(k.split(":")[1], action) for k, action, _, _ in found] == [
        ("Q.ARE.EGY.OBSERVED.USD500", "R"), ("Q.ARE.IND.OBSERVED.USD500", "D"), ("Q.ARE.PAK.OBSERVED.USD200", "R")]
    deleted = found[1][2]
    assert deleted == {"FREQ": "Q", "SOURCE_AREA": "ARE", "DEST_AREA": "IND", "SERIES": "OBSERVED",
                       "AMOUNT": "USD500", "TIME_PERIOD": "2014-Q1"}  # its key, no value
    assert vintages.tally(found) == {"RPW_CORRIDOR_COST": {"R": 2, "D": 1}}
    assert vintages.changes(before, before) == []


def test_indicators_and_country_series_are_keyed_by_their_sdmx_codes():
    figures = vintages.indicator_figures("2014Q1", {"global_average_pct": 7.9, "global_weighted_average_pct": 5.91,
                                                    "weight_year": 2012, "ldc_average_pct": None})
    assert sorted(k.split(":")[1] for k in figures) == ["Q.GLOBAL_AVG", "Q.GLOBAL_WEIGHTED_AVG"]
    assert figures["RPW_INDICATORS:Q.GLOBAL_WEIGHTED_AVG:2014-Q1"][0]["WEIGHT_YEAR"] == 2012
    series = {"label": "inflows", "unit": "USD millions", "source": "KNOMAD", "values": {"2020": 8100.5, "2021": None}}
    flows = vintages.country_series_figures("NPL", "knomad_inflows_usd_m", series)
    assert list(flows) == ["FLOWS:A.NPL.WLD.INFLOW.KNOMAD:2020"]
    observation, payload = flows["FLOWS:A.NPL.WLD.INFLOW.KNOMAD:2020"]
    assert (observation["UNIT_MEASURE"], observation["UNIT_MULT"]) == ("USD", "6") and payload["unit"] == "USD millions"
    assert vintages.country_series_figures("NPL", "not_an_sdmx_series", series) == {}


def test_as_of_needs_a_timezone_and_a_past_time_and_is_kept_to_the_millisecond():
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)
    parsed = vintages.parse_as_of("2026-12-02T13:30:00.123456+02:00", now)
    assert parsed == dt.datetime(2026, 12, 2, 11, 30, 0, 123000, tzinfo=dt.timezone.utc)
    assert vintages.timestamp_text(parsed) == "2026-12-02T11:30:00.123Z"
    assert vintages.parse_as_of(vintages.timestamp_text(parsed), now) == parsed  # a permalink reads back the same
    for bad in ("2026-12-02T11:30:00", "2026-12-03T00:00:00Z", "last week", ""):
        with pytest.raises(ValueError):
            vintages.parse_as_of(bad, now)


def test_a_permalink_is_the_same_url_pinned_to_its_release():
    vintage = {"id": "publication-2", "published_at": "2026-12-02T11:30:00.123Z"}
    assert permalink("/api/v1/corridors/ARE/EGY", [("period", "2014Q1"), ("asOf", "2026-12-02T12:00:00Z")],
                     vintage) == "/api/v1/corridors/ARE/EGY?period=2014Q1&asOf=2026-12-02T11%3A30%3A00.123Z"
    assert permalink("/api/v1/indicators", [], None) is None


def test_sdmx_ml_gets_one_dataset_per_release_and_action():
    observations = [{"SOURCE_AREA": "ARE", "ACTION": "R", "validFrom": "t2"},
                    {"SOURCE_AREA": "ARE", "ACTION": "R", "validFrom": "t1"},
                    {"SOURCE_AREA": "IND", "ACTION": "D", "validFrom": "t2"},
                    {"SOURCE_AREA": "PAK", "ACTION": "R", "validFrom": "t2"}]
    grouped = history.datasets(observations)
    assert [(action, at, [o["SOURCE_AREA"] for o in run]) for action, at, run in grouped] == [
        ("Replace", "t1", ["ARE"]), ("Replace", "t2", ["ARE", "PAK"]), ("Delete", "t2", ["IND"])]
