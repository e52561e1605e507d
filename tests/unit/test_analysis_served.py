"""The gateway's side of the policy analysis (issue 20), without a broker:
the country page's table and axis, the LDC lens's one-vintage mean, the
scorecard's reading of a corridor answer, what-if on a corridor, and the
cache of printed briefs."""
import datetime as dt
import re

import eventlet
import pytest

from gateway import analysis, pages
from gateway.analysis_scorecard import newest_surveyed_period, quote_records, scorecard_answer
from gateway.brief_cache import PrintedCache
from gateway.ldc import ldc_rows
from gateway.ldc_newest import rows_for_aggregate
from observatory.analysis.newest import one_vintage_aggregate
from observatory.countries import countries
from tests.unit.analysis_files import flow_records, raw_wdi

TODAY = dt.date(2026, 12, 2)


def npl_profile():
    series = {}
    for record in flow_records():
        if record["iso3"] == "NPL":
            series[record["series"]] = {k: record[k] for k in ("label", "unit", "source", "values")}
    return {"country": countries().get("NPL").as_dict(), "period": "2014Q1", "average_cost_to_receive_pct": 5.0,
            "average_cost_to_send_pct": None, "series": series, "corridors": [], "providers": [], "practices": [],
            "top_sending_countries": {"year": 2021, "estimate": "model estimate", "items": [
                {"source": "QAT", "usd_millions": 1000.0}]}}


def test_the_country_table_names_a_unit_once_and_its_axis_starts_at_the_first_year_with_data():
    profile = npl_profile()
    first = min(min(raw_wdi(name).get("NPL", {})) for name in ("inflows_pct_gdp", "inflows_usd", "cost_to_receive"))
    blank = {str(y): None for y in range(1960, first)}  # years a series names without a value
    costs = profile["series"]["wdi_cost_to_receive_pct"]
    costs["values"] = {**blank, **costs["values"]}
    html = pages.country(profile).decode()
    assert "(% of GDP) (% of GDP)" not in html and "(% of GDP)" in html
    years = re.findall(r'<tr><th scope="row">(\d{4})</th>', html)
    assert int(years[0]) == first and int(years[-1]) == max(
        int(y) for s in profile["series"].values() for y, v in s["values"].items() if v is not None)


def test_each_chart_axis_starts_at_the_first_year_of_its_own_series(monkeypatch):
    profile, rendered = npl_profile(), {}
    monkeypatch.setattr(pages, "render", lambda template, **context: rendered.update(context) or b"")
    pages.country(profile)
    charts = {tuple(sorted(serie["name"] for serie in chart["series"])): chart["x"]
              for chart in (c["spec"] for c in rendered["charts"])}
    by_unit = {}
    for s in profile["series"].values():
        by_unit.setdefault(s.get("unit") or "", []).append(s)
    for members in by_unit.values():
        years = sorted(int(y) for s in members for y, v in s["values"].items() if v is not None)
        axis = charts[tuple(sorted(s.get("label") for s in members))]
        assert (int(axis[0]), int(axis[-1])) == (years[0], years[-1])  # the cost chart does not start in 1993


def test_the_ldc_lens_mean_is_over_rows_of_one_period_and_series():
    profiles = [{"country": {"iso3": c, "name": c}, "series": {}} for c in ("AAA", "BBB", "CCC", "DDD")]
    newest = {"AAA": {"value": 4.0, "period": "2023Q4", "series": "derived"},
              "BBB": {"value": 6.0, "period": "2023Q4", "series": "derived"},
              "CCC": {"value": 9.0, "period": "2020Q3", "series": "official"}}
    rows = ldc_rows(profiles, newest)
    assert {(r["iso3"], r["period"], r["series"]) for r in rows if r["cost_pct"]} == \
        {(k, v["period"], v["series"]) for k, v in newest.items()}
    combined = one_vintage_aggregate(rows_for_aggregate(rows), rows_in_group=len(rows))
    assert combined["aggregate"]["value"] == 5.0 and combined["aggregate"]["rows_used"] == 2
    assert combined["aggregate"]["coverage"] == 0.5
    assert combined["other_vintages"] == [{"period": "2020Q3", "series": "official", "rows": 1}]


def test_a_scorecard_reads_the_corridor_answers_quotes_and_says_its_quality():
    quotes = [{"provider": "A", "product": "x", "transparent": True, "total_cost_pct": 2.0, "fx_margin_pct": -0.5,
               "speed": "Same day"},
              {"provider": "B", "product": "y", "transparent": True, "total_cost_pct": 6.0, "fx_margin_pct": 1.0,
               "speed": "6 days or more"},
              {"provider": "B", "product": "z", "transparent": False, "total_cost_pct": 1.0, "fx_margin_pct": 0.0,
               "speed": "Next day"}]
    records = quote_records({"quotes": quotes})
    assert [r["within_5_days"] for r in records] == [True, False, True]
    figures = [{"source": "ARE", "destination": "NPL", "period": p, "series": s, "value": v}
               for p, s, v in (("2013Q4", "observed", 4.5), ("2014Q1", "observed", 4.0), ("2014Q1", "official", 4.1),
                               ("2020Q3", "official", 3.0))]
    assert newest_surveyed_period(figures) == "2014Q1"
    newest = analysis.corridor_newest(figures, "ARE", "NPL")
    card = scorecard_answer("ARE", "NPL", newest, {"period": "2014Q1", "quotes": quotes}, TODAY)
    assert (card["providers"], card["products"], card["spread_pp"]) == (2, 3, 2.0)
    assert card["quality"]["quotes"] == 3 and card["quality"]["quotes_non_transparent"] == 1
    assert card["quality"]["negative_fx_margins"] == 1
    assert (card["newest"]["period"], card["newest"]["series"]) == ("2020Q3", "official")


def test_whatif_on_a_corridor_takes_its_newest_cost_and_its_matrix_flow():
    figures = [{"source": "QAT", "destination": "NPL", "period": "2020Q3", "series": "official", "value": 4.0},
               {"source": "QAT", "destination": "NPL", "period": "2023Q4", "series": "derived", "value": 3.5}]
    answer = analysis.whatif_answer("NPL", figures, npl_profile(), 3.0, ("QAT", "NPL"), TODAY)
    assert (answer["cost_period"], answer["cost_series"], answer["inflows_year"]) == ("2023Q4", "derived", 2021)
    assert answer["savings_usd_millions"] == pytest.approx(1000.0 * 0.5 / 100)
    assert "matrix" in answer["inflows_source"] and answer["quality"]["age_days"] > 0


def test_a_brief_is_printed_once_per_release_however_many_ask():
    cache, printed = PrintedCache(), []

    def make():
        printed.append(1)
        eventlet.sleep(0.01)
        return b"%PDF-1.4 brief"

    pool = eventlet.GreenPool(5)
    answers = list(pool.imap(lambda _: cache.get(("pdf", "NPL"), 3, make), range(5)))
    assert len(printed) == 1 and len({a for a in answers}) == 1
    cache.get(("pdf", "NPL"), 4, make)  # the next release prints it again, and forgets the old one
    assert len(printed) == 2 and all(release == 4 for _, release in cache.kept)
