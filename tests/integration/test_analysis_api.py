"""Policy analysis served (issue 20), on the platform with the real files
published: every expected figure is computed here from ../shared/data with
the csv module alone (tests/unit/analysis_files.py), not with the parsers."""
import re
import statistics
from collections import Counter, defaultdict

import pytest
import requests

from observatory.countries import countries
from tests.ingest_files import DATABANK, DERIVED, RPW_QUOTES, WDI_INFLOWS
from tests.live import import_datasets, live_services
from tests.unit.analysis_files import WDI, WDI_FILES, raw_databank, raw_derived, raw_quote_rows, raw_wdi

pytestmark = [pytest.mark.broker]
ADMIN = "obs_analysis-admin-token-0123456789abcdefghijklmnopqrstu"
COUNTRIES = ("NPL", "SEN", "HTI")
ORDER = ("observed", "official", "derived")
CORRIDORS = (("2014Q1", "ARE", "NPL"), ("2014Q1", "FRA", "SEN"), ("2014Q1", "FRA", "HTI"))


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    from gateway.service import GatewayService
    from services.catalog.service import CatalogService
    from services.ingest.service import IngestService

    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        import_datasets(url, ADMIN, [(RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages"),
                                     (DERIVED, "rpw-corridor-means"), (WDI_INFLOWS, "country-flows"),
                                     (WDI / WDI_FILES["inflows_pct_gdp"], "country-flows")], timeout=240)
        yield url


def get(base, path, **params):
    answer = requests.get(f"{base}{path}", params=params, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer


def observed_averages():
    """``{(period, source, destination): mean total cost of the transparent quotes}``."""
    costs = defaultdict(list)
    for row in raw_quote_rows():
        if row["transparent"] == "yes":
            costs[(row["period"], row["source"], row["destination"])].append(float(row["cc1.total.cost.."]))
    return {k: statistics.fmean(v) for k, v in costs.items()}


def raw_series():
    """``{series: {(period, source, destination): value}}`` of the three files."""
    return {"observed": observed_averages(), "official": raw_databank(), "derived": raw_derived()}


def period_key(period):
    return int(period[:4]), int(period[5])


def raw_country_costs(iso3):
    """``{(series, period): mean of the corridor averages into iso3}``."""
    grouped = defaultdict(list)
    for series, values in raw_series().items():
        for (period, _, destination), value in values.items():
            if destination == iso3:
                grouped[(series, period)].append(value)
    return {k: statistics.fmean(v) for k, v in grouped.items()}


def raw_newest(points):
    """The newest (series, period) of ``{(series, period): value}``, observed first within a period."""
    return max(points, key=lambda k: (period_key(k[1]), -ORDER.index(k[0])))


def data_attrs(html, field):
    match = re.search(r'data-field="%s"([^>]*)>' % re.escape(field), html)
    assert match, field
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def test_the_overview_headlines_the_newest_vintage_without_mixing_periods_or_series(base):
    newest = {}
    for series, values in raw_series().items():
        for (period, source, destination), value in values.items():
            key = (source, destination)
            candidate = (period_key(period), -ORDER.index(series), series, period, value)
            newest[key] = max(newest.get(key, candidate), candidate)
    vintages = Counter((c[2], c[3]) for c in newest.values())
    (series, period), rows = max(vintages.items(), key=lambda kv: (kv[1], period_key(kv[0][1])))
    shown = data_attrs(get(base, "/").text, "newest_all")
    assert (shown["series"], shown["period"]) == (series, period) and period_key(period) > (2014, 1)
    assert int(shown["rows"]) == rows
    assert float(shown["value"]) == pytest.approx(statistics.fmean(
        c[4] for c in newest.values() if (c[2], c[3]) == (series, period)))


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_a_country_page_and_its_sdg_answer_headline_the_newest_period_of_any_series(base, iso3):
    costs = raw_country_costs(iso3)
    series, period = raw_newest(costs)
    assert period_key(period) > (2014, 1)
    sdg = get(base, f"/api/v1/countries/{iso3}/sdg").json()
    headline = sdg["receiving"]["headline"]
    assert (headline["series"], headline["period"]) == (series, period)
    assert headline["value"] == pytest.approx(costs[(series, period)])
    assert headline["quality"]["series"] == series and headline["quality"]["age_days"] > 0
    for row in sdg["receiving"]["averages"]:  # every period of every series, never blended
        assert row["value"] == pytest.approx(costs[(row["series"], row["period"])])
    assert len(sdg["receiving"]["averages"]) == len(costs)
    above = {(c["source"], c["destination"]) for c in sdg["receiving"]["corridors_above_ceiling"]}
    assert above == {(s, d) for (p, s, d), v in raw_series()[series].items() if p == period and d == iso3 and v > 5}
    profile = get(base, f"/api/v1/countries/{iso3}").json()
    assert {k: profile["newest_cost_to_receive"][k] for k in ("series", "period", "value")} == \
        {k: headline[k] for k in ("series", "period", "value")}
    page = get(base, f"/countries/{iso3}").text
    shown = data_attrs(page, "newest_cost_to_receive_pct")
    assert (shown["series"], shown["period"]) == (series, period)
    assert float(shown["value"]) == pytest.approx(headline["value"])
    assert "(% of GDP) (% of GDP)" not in page


def test_the_country_pages_time_axis_starts_at_the_first_year_with_data(base):
    page = get(base, "/countries/NPL").text
    first = min(year for value in (raw_wdi("inflows_usd"), raw_wdi("inflows_pct_gdp"))
                for year in value.get("NPL", {}))
    years = re.findall(r'<tr><th scope="row">(\d{4})</th>', page)
    assert years and int(years[0]) == first


def test_the_ldc_lens_rows_say_their_period_and_series_and_its_mean_uses_one_vintage(base):
    page = get(base, "/ldc").text
    rows = re.findall(r'data-period="([^"]*)" data-series="([^"]*)"', page.split('id="ldcs"')[1])
    ldcs = {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()}
    expected = {}
    for iso3 in ldcs:
        costs = raw_country_costs(iso3)
        if costs:
            expected[iso3] = raw_newest(costs)
    assert Counter((s, p) for p, s in rows if p) == Counter(expected.values())
    mean = re.search(r'id="ldc-aggregate" data-value="([^"]+)" data-period="([^"]+)" data-series="([^"]+)"', page)
    vintage = Counter(expected.values()).most_common(1)[0][0]
    assert (mean.group(3), mean.group(2)) == vintage
    assert float(mean.group(1)) == pytest.approx(statistics.fmean(
        raw_country_costs(i)[vintage] for i, v in expected.items() if v == vintage))
    csv_text = get(base, "/api/v1/exports/ldc.csv").text
    header = csv_text.splitlines()[0].split(",")
    assert {"period", "series", "corridors", "period_end", "age_days", "quotes"} <= set(header)


@pytest.mark.parametrize("period,source,destination", CORRIDORS)
def test_a_scorecard_counts_what_the_quotes_file_holds(base, period, source, destination):
    key = (period, source, destination)
    rows = [r for r in raw_quote_rows() if (r["period"], r["source"], r["destination"]) == key]
    costs = [float(r["cc1.total.cost.."]) for r in rows if r["transparent"] == "yes"]
    card = get(base, f"/api/v1/corridors/{source}/{destination}/scorecard").json()
    assert card["period"] == period
    assert card["quotes"] == card["quality"]["quotes"] == len(rows)
    assert card["quotes_non_transparent"] == card["quality"]["quotes_non_transparent"] == \
        sum(r["transparent"] != "yes" for r in rows)
    assert card["negative_fx_margins"] == sum(r["cc1.fx.margin"] not in ("", "NA") and float(r["cc1.fx.margin"]) < 0
                                              for r in rows)
    assert card["providers"] == len({r["firm"] for r in rows})
    assert card["spread_pp"] == pytest.approx(statistics.fmean(costs) - min(costs))
    assert card["share_below_5"] == pytest.approx(sum(c < 5 for c in costs) / len(costs))
    assert card["share_at_or_below_3"] == pytest.approx(sum(c <= 3 for c in costs) / len(costs))
    assert sum(card["mix"]["firm_type"].values()) == len(rows)
    corridor = get(base, f"/api/v1/corridors/{source}/{destination}", period=period).json()  # the published answer too
    assert (corridor["quality"]["series"], corridor["quality"]["period"]) == ("observed", period)
    assert (corridor["quality"]["quotes"], corridor["quality"]["quotes_non_transparent"],
            corridor["quality"]["negative_fx_margins"]) == (card["quotes"], card["quotes_non_transparent"],
                                                            card["negative_fx_margins"])


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_peers_rank_the_share_of_gdp_as_the_wdi_file_gives_it(base, iso3):
    wdi = {c: v[max(v)] for c, v in raw_wdi("inflows_pct_gdp").items() if v}
    answer = get(base, f"/api/v1/countries/{iso3}/peers").json()
    ldc = next(g for g in answer["groups"] if g["kind"] == "ldc")["indicators"]["inflows_pct_gdp"]
    members = {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()} | {iso3}
    values = sorted((wdi[m] for m in members if m in wdi), reverse=True)
    assert ldc["country"]["value"] == pytest.approx(wdi[iso3])
    assert ldc["rank"] == values.index(wdi[iso3]) + 1 and ldc["ranked"] == len(values)
    cost = next(g for g in answer["groups"] if g["kind"] == "ldc")["indicators"]["cost_to_receive_pct"]
    series, period = raw_newest(raw_country_costs(iso3))
    assert (cost["country"]["series"], cost["country"]["period"]) == (series, period)


def raw_surveyed_providers(side):
    """``{iso3: (distinct firms, period)}``: the firms quoted into (``destination``) or out of (``source``)
    each country in its newest quarter of the quotes file."""
    firms = defaultdict(set)
    for row in raw_quote_rows():
        firms[(row[side], row["period"])].add(row["firm"])
    newest = {}
    for (iso3, period), names in firms.items():
        if iso3 not in newest or period_key(period) > period_key(newest[iso3][1]):
            newest[iso3] = (len(names), period)
    return newest


@pytest.mark.parametrize("iso3", COUNTRIES + ("FRA",))
def test_peers_count_and_rank_the_surveyed_providers_as_the_quotes_file_holds_them(base, iso3):
    answer = get(base, f"/api/v1/countries/{iso3}/peers").json()
    page = get(base, f"/countries/{iso3}/peers").text
    members = {c.iso3 for c in countries().by_iso3.values() if c.is_ldc()} | {iso3}
    for indicator, side in (("surveyed_providers_to_receive", "destination"),
                            ("surveyed_providers_to_send", "source")):
        raw = raw_surveyed_providers(side)
        result = next(g for g in answer["groups"] if g["kind"] == "ldc")["indicators"][indicator]
        counts = [raw[m][0] for m in members if m in raw]
        assert result["ranked"] == len(counts)
        if iso3 not in raw:
            assert result["country"] is None and result["rank"] is None
            continue
        assert (result["country"]["value"], result["country"]["period"]) == raw[iso3]
        assert result["rank"] == 1 + sum(c > raw[iso3][0] for c in counts)
        assert float(data_attrs(page, f"ldc-{indicator}")["value"]) == raw[iso3][0]
    assert 'id="peers-providers-chart"' in page


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_whatif_savings_are_inflows_times_the_gap_to_the_target_with_the_inputs_named(base, iso3):
    answer = get(base, "/api/v1/whatif", country=iso3, target_pct="2.5").json()
    inflows = raw_wdi("inflows_usd")[iso3]
    year = max(inflows)
    series, period = raw_newest(raw_country_costs(iso3))
    assert (answer["cost_series"], answer["cost_period"], answer["inflows_year"]) == (series, period, year)
    assert answer["inflows_usd_millions"] == pytest.approx(inflows[year] / 1e6)
    assert answer["cost_pct"] == pytest.approx(raw_country_costs(iso3)[(series, period)])
    assert answer["savings_usd_millions"] == pytest.approx(
        answer["inflows_usd_millions"] * max(answer["cost_pct"] - 2.5, 0) / 100)
    assert answer["inflows_source"] and answer["assumption"]


def test_analysis_inputs_are_validated(base):
    for path, params in (("/api/v1/whatif", {}), ("/api/v1/whatif", {"country": "NPL", "target_pct": "nan"}),
                         ("/api/v1/whatif", {"country": "NPL", "extra": "1"}),
                         ("/api/v1/whatif", {"country": "SEN", "corridor": "FRA-NPL"}),
                         ("/api/v1/countries/NPL/peers", {"peers": "BGD;PAK"})):
        answer = requests.get(f"{base}{path}", params=params, timeout=30)
        assert answer.status_code == 400 and answer.json()["error"], (path, params, answer.text)
    assert requests.get(f"{base}/api/v1/countries/XXX/sdg", timeout=30).status_code == 404
