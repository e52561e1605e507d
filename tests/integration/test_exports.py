"""The open-data exports read back, with a strict reader, to the same figures
the API publishes; the releases feed parses as iCalendar."""
import csv
import io
import re

import pytest
import requests
from icalendar import Calendar

from tests.live import published_platform
from tests.unit.analysis_files import raw_quote_rows
from tests.unit.test_sdmx_real_data import published

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_exports-admin-token-0123456789abcdefghijklmnopqrstu"
CORRIDOR_ATTRIBUTES = ["OBS_STATUS", "DECIMALS", "UNIT_MEASURE", "QUOTES", "QUOTES_TRANSPARENT", "PROVENANCE"]
# The country series of the profile, as the FLOWS dataflow codes them (INDICATOR, SOURCE).
FLOW_CODES = {"wdi_inflows_usd_m": ("INFLOW", "WDI"), "knomad_inflows_usd_m": ("INFLOW", "KNOMAD")}
AVERAGE_PLACES, USD_MILLIONS_PLACES = 4, 2  # the DECIMALS the dataflows publish averages and USD millions with


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    with published_platform(vhost_pipeline, ADMIN) as url:
        yield url


def rows(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv") and "attachment" in \
        response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def strict_sdmx(response, flow, dimensions, attributes, time_pattern):
    """Read SDMX-CSV 1.0 strictly: the exact header, rows of one dataflow,
    a period in SDMX form, a number written with exactly its DECIMALS places
    (so no float noise), one row per key."""
    table = rows(response)
    assert table[0] == ["DATAFLOW", *dimensions, "TIME_PERIOD", "OBS_VALUE", *attributes]
    observations, keys = [], set()
    for row in table[1:]:
        assert len(row) == len(table[0])
        record = dict(zip(table[0], row))
        assert record["DATAFLOW"] == flow
        assert re.fullmatch(time_pattern, record["TIME_PERIOD"]), record["TIME_PERIOD"]
        places = int(record["DECIMALS"])
        assert re.fullmatch(rf"-?[0-9]+{'[.][0-9]{%d}' % places if places else ''}", record["OBS_VALUE"]), record
        record["OBS_VALUE"] = float(record["OBS_VALUE"])
        key = tuple(record[d] for d in dimensions) + (record["TIME_PERIOD"],)
        assert key not in keys, f"two observations for {key}"
        keys.add(key)
        observations.append(record)
    return observations


def test_corridor_exports_carry_the_published_figures_of_the_quarter(base):
    api = requests.get(f"{base}/api/v1/corridors", params={"period": "2014Q1", "limit": 500}, timeout=30).json()
    expected = {}
    for item in api["items"]:
        if item["average_source"] == "observed":
            expected[(item["source"], item["destination"], "observed")] = item["average_total_cost_pct"]
        if item["official_average_pct"] is not None:
            expected[(item["source"], item["destination"], "official")] = item["official_average_pct"]
    table = rows(requests.get(f"{base}/api/v1/exports/corridors.csv", params={"period": "2014Q1"}, timeout=30))
    header, body = table[0], table[1:]
    got = {(r[0], r[1], r[3]): float(r[4]) for r in body}
    assert got == pytest.approx(expected) and {r[2] for r in body} == {"2014Q1"}
    assert all(r[header.index("provenance")] for r in body)

    sdmx = strict_sdmx(requests.get(f"{base}/api/v1/exports/corridors.sdmx.csv", params={"period": "2014Q1"},
                                    timeout=30), "OBSERVATORY:RPW_CORRIDOR_COST(1.0)",
                       ["FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES", "AMOUNT"], CORRIDOR_ATTRIBUTES, r"\d{4}-Q[1-4]")
    usd200 = [o for o in sdmx if o["AMOUNT"] == "USD200"]
    assert {(o["SOURCE_AREA"], o["DEST_AREA"], o["SERIES"].lower()): o["OBS_VALUE"] for o in usd200} == {
        key: published(value, AVERAGE_PLACES) for key, value in expected.items()}
    assert {o["TIME_PERIOD"] for o in sdmx} == {"2014-Q1"} and {o["DECIMALS"] for o in sdmx} == {str(AVERAGE_PLACES)}
    usd500 = {(o["SOURCE_AREA"], o["DEST_AREA"]): o["OBS_VALUE"] for o in sdmx if o["AMOUNT"] == "USD500"}
    observed = {(s, d) for s, d, series in expected if series == "observed"}
    assert usd500 and set(usd500) <= observed  # the official series has no USD 500 figure
    are_npl = requests.get(f"{base}/api/v1/corridors/ARE/NPL", params={"period": "2014Q1"}, timeout=30).json()
    assert usd500[("ARE", "NPL")] == published(are_npl["average_total_cost_pct_500"], AVERAGE_PLACES)
    transparent = {(i["source"], i["destination"]): i["quotes_transparent"] for i in api["items"]
                   if i["average_source"] == "observed"}
    assert {(o["SOURCE_AREA"], o["DEST_AREA"]): int(o["QUOTES_TRANSPARENT"]) for o in sdmx
            if o["SERIES"] == "OBSERVED" and o["AMOUNT"] == "USD200"} == transparent


def _file_counts(period):
    """{(source, destination): (quotes, non-transparent, negative FX margins)} of a quarter, from the file."""
    counts = {}
    for row in raw_quote_rows():
        if row["period"] == period:
            mine = counts.setdefault((row["source"], row["destination"]), [0, 0, 0])
            margin = row["cc1.fx.margin"]
            mine[0] += 1
            mine[1] += row["transparent"] != "yes"
            mine[2] += margin not in ("", "NA") and float(margin) < 0
    return {k: tuple(v) for k, v in counts.items()}


def test_corridor_exports_carry_the_quote_counts_of_the_file(base):
    """The quality flags of issue 20 §2 in both exports: for every corridor of 2014Q1 (the real quotes),
    the counts the CSV and the SDMX-CSV give equal those counted from the file."""
    expected = _file_counts("2014Q1")
    assert any(c[1] for c in expected.values()) and any(c[2] for c in expected.values())
    table = rows(requests.get(f"{base}/api/v1/exports/corridors.csv", params={"period": "2014Q1"}, timeout=30))
    header = table[0]
    observed = [dict(zip(header, r)) for r in table[1:] if r[header.index("series")] == "observed"]
    assert observed
    for row in observed:
        assert (int(row["quotes"]), int(row["quotes_non_transparent"]), int(row["negative_fx_margins"])) == \
            expected[(row["source"], row["destination"])]
        assert row["period_end"] == "2014-03-31" and int(row["age_days"]) > 0
    assert all(r[header.index("quotes")] == "" for r in table[1:] if r[header.index("series")] != "observed")
    sdmx = strict_sdmx(requests.get(f"{base}/api/v1/exports/corridors.sdmx.csv", params={"period": "2014Q1"},
                                    timeout=30), "OBSERVATORY:RPW_CORRIDOR_COST(1.0)",
                       ["FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES", "AMOUNT"], CORRIDOR_ATTRIBUTES, r"\d{4}-Q[1-4]")
    filled = {(o["SOURCE_AREA"], o["DEST_AREA"]): (int(o["QUOTES"]), int(o["QUOTES_TRANSPARENT"]))
              for o in sdmx if o["SERIES"] == "OBSERVED" and o["AMOUNT"] == "USD200"}
    assert filled == {(r["source"], r["destination"]): (expected[(r["source"], r["destination"])][0],
                                                        expected[(r["source"], r["destination"])][0] -
                                                        expected[(r["source"], r["destination"])][1])
                      for r in observed}


def test_ldc_export_rows_say_their_period_series_and_age(base):
    lens = requests.get(f"{base}/api/v1/ldc", timeout=30).json()
    table = rows(requests.get(f"{base}/api/v1/exports/ldc.csv", timeout=30))
    header = table[0]
    exported = {r[0]: dict(zip(header, r)) for r in table[1:]}
    assert set(exported) == {r["iso3"] for r in lens["rows"]}
    for row in lens["rows"]:
        line = exported[row["iso3"]]
        if row["cost_pct"] is None:
            assert line["cost_pct"] == "" and line["series"] == ""
            continue
        assert float(line["cost_pct"]) == pytest.approx(row["cost_pct"])
        assert (line["period"], line["series"], int(line["age_days"])) == (row["period"], row["series"],
                                                                             row["age_days"])
    assert len({(r["period"], r["series"]) for r in lens["rows"] if r["cost_pct"] is not None}) > 1  # mixed rows
    aggregate = lens["aggregate"]
    same = [r["cost_pct"] for r in lens["rows"] if (r["period"], r["series"]) == (aggregate["period"],
                                                                                   aggregate["series"])]
    assert aggregate["value"] == pytest.approx(sum(same) / len(same)) and aggregate["rows_used"] == len(same)


def test_indicator_exports_equal_the_indicators_of_every_quarter(base):
    periods = requests.get(f"{base}/api/v1/indicators", timeout=30).json()["available_periods"]
    api = {p: requests.get(f"{base}/api/v1/indicators", params={"period": p}, timeout=30).json() for p in periods}
    table = rows(requests.get(f"{base}/api/v1/exports/indicators.csv", timeout=30))
    header = table[0]
    assert [r[0] for r in table[1:]] == periods
    for row in table[1:]:
        record = dict(zip(header, row))
        assert float(record["global_average_pct"]) == pytest.approx(api[row[0]]["global_average_pct"])
        assert float(record["ldc_average_pct"]) == pytest.approx(api[row[0]]["ldc_average_pct"])
    sdmx = strict_sdmx(requests.get(f"{base}/api/v1/exports/indicators.sdmx.csv", timeout=30),
                       "OBSERVATORY:RPW_INDICATORS(1.0)", ["FREQ", "INDICATOR"],
                       ["WEIGHT_YEAR", "OBS_STATUS", "DECIMALS", "UNIT_MEASURE"], r"\d{4}-Q[1-4]")
    weighted = {o["TIME_PERIOD"].replace("-", ""): o["OBS_VALUE"] for o in sdmx if o["INDICATOR"] == "GLOBAL_WEIGHTED_AVG"}
    assert weighted == {p: published(a["global_weighted_average_pct"], AVERAGE_PLACES) for p, a in api.items()
                        if a["global_weighted_average_pct"] is not None}


def test_country_flow_exports_equal_the_country_profile(base):
    profile = requests.get(f"{base}/api/v1/countries/NPL", timeout=30).json()
    expected = {(indicator, str(year)): value for indicator, series in profile["series"].items()
                for year, value in series["values"].items() if value is not None}
    assert expected
    table = rows(requests.get(f"{base}/api/v1/exports/countries/NPL/flows.csv", timeout=30))
    assert {(r[1], r[2]): float(r[3]) for r in table[1:]} == pytest.approx(expected)
    sdmx = strict_sdmx(requests.get(f"{base}/api/v1/exports/countries/npl/flows.sdmx.csv", timeout=30),
                       "OBSERVATORY:FLOWS(1.0)", ["FREQ", "REF_AREA", "COUNTERPART_AREA", "INDICATOR", "SOURCE"],
                       ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "DECIMALS"], r"\d{4}")
    assert set(profile["series"]) <= set(FLOW_CODES)
    assert {(o["INDICATOR"], o["SOURCE"], o["TIME_PERIOD"]): o["OBS_VALUE"] for o in sdmx} == {
        (*FLOW_CODES[indicator], year): published(value, USD_MILLIONS_PLACES) for (indicator, year), value in
        expected.items()}
    assert {(o["REF_AREA"], o["COUNTERPART_AREA"], o["UNIT_MEASURE"], o["UNIT_MULT"]) for o in sdmx} == {
        ("NPL", "WLD", "USD", "6")}
    assert requests.get(f"{base}/api/v1/exports/countries/XX1/flows.csv", timeout=30).status_code == 400


def test_exports_come_from_the_read_model_with_an_etag(base):
    first = requests.get(f"{base}/api/v1/exports/indicators.csv", timeout=30)
    again = requests.get(f"{base}/api/v1/exports/indicators.csv", headers={"If-None-Match": first.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304


def test_the_releases_feed_parses_and_lists_every_published_dataset(base):
    auth = {"Authorization": f"Bearer {ADMIN}"}
    datasets = requests.get(f"{base}/api/v1/datasets", headers=auth, timeout=30).json()["items"]
    feed = requests.get(f"{base}/api/v1/releases.ics", timeout=30)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk() if c.name == "VEVENT"]
    assert sorted(str(e["uid"]) for e in events) == sorted(f"dataset-{d['id']}@remittances-observatory"
                                                           for d in datasets if d["status"] == "completed")
    by_uid = {str(e["uid"]): e for e in events}
    for dataset in datasets:
        event = by_uid[f"dataset-{dataset['id']}@remittances-observatory"]
        assert dataset["sha256"] in str(event["description"]) and dataset["kind"] in str(event["summary"])
