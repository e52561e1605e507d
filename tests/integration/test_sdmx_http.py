"""The SDMX web service over HTTP, from a running platform with the bundled
data: sdmx1 and pysdmx read its structures and data in every format, and the
values they read equal what the JSON API answers for the same corridors,
indicators and flows; conditional requests, gzip, CORS and the SDMX error
statuses; a whole dataflow streams."""
import csv
import gzip
import io
import zlib

import pytest
import requests
import sdmx
from pysdmx.io import get_datasets

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import DATABANK, FLOWS, RPW_QUOTES, WDI_INFLOWS
from tests.live import live_services
from tests.unit.test_sdmx_corridor_costs import by_hand, cc2_averages, raw_quotes
from tests.unit.test_sdmx_real_data import published

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform, pytest.mark.timeout(600)]
ADMIN = "obs_sdmx-http-admin-token-0123456789abcdefghijklmnopqr"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
KNOMAD_INFLOWS = FLOWS / "knomad_remittance_inflows_2000_2022_jun2023.xlsx"
MATRIX_2012 = FLOWS / "bilateral_remittance_matrix_2012.xlsx"
VND = "application/vnd.sdmx."
FORMATS = {"generic": f"{VND}genericdata+xml;version=2.1",
           "structurespecific": f"{VND}structurespecificdata+xml;version=2.1",
           "json": f"{VND}data+json;version=1.0.0", "csv1": f"{VND}data+csv;version=1.0.0",
           "csv2": f"{VND}data+csv;version=2.0.0"}
AVERAGE_PLACES, PRICE_PLACES, USD_MILLIONS_PLACES = 4, 2, 2  # the DECIMALS of each kind of figure
ORIGIN = {"Origin": "https://stats.example"}


def upload(base, path, kind):
    answer = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=path.read_bytes(), timeout=120,
                           headers={**AUTH, "X-Filename": path.name})
    assert answer.status_code in (200, 202), answer.text
    dataset_id = answer.json()["id"]
    wait_for(lambda: requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=AUTH, timeout=30)
             .json().get("status") == "completed", timeout=180, interval=0.5, what=path.name)


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        for path, kind in ((RPW_QUOTES, "rpw-quotes"), (DATABANK, "rpw-corridor-averages"),
                           (WDI_INFLOWS, "country-flows"), (KNOMAD_INFLOWS, "country-flows"),
                           (MATRIX_2012, "bilateral-matrix")):
            upload(url, path, kind)
        yield url


@pytest.fixture(scope="module")
def structures(base):
    """The dataflows with every structure they use, as a client fetches them."""
    answer = requests.get(f"{base}/sdmx/2.1/dataflow/OBSERVATORY/all/latest", params={"references": "descendants"},
                          timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.content, sdmx.read_sdmx(io.BytesIO(answer.content))


def fetch(base, path, fmt, **params):
    answer = requests.get(f"{base}{path}", params=params, headers={"Accept": FORMATS[fmt]}, timeout=120)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == FORMATS[fmt]
    return answer.content


def read(reader, fmt, data, structures, flow_id):
    """{(dimension values..., TIME_PERIOD): float} as the client library reads the message."""
    text, message = structures
    dsd = message.structure[f"DSD_{flow_id}"]
    dimension_ids = [d.id for d in dsd.dimensions.components]
    if reader == "pysdmx":
        frame = get_datasets(data.decode("utf-8"), text.decode("utf-8"))[0].data
        return {tuple(str(row[d]) for d in dimension_ids): float(row["OBS_VALUE"]) for row in frame.to_dict("records")}
    kwargs = {"generic": {}, "json": {}, "structurespecific": {"structure": dsd},
              "csv1": {"structure": dsd, "dataflow": message.dataflow[flow_id], "format": "csv"},
              "csv2": {"structure": dsd, "dataflow": message.dataflow[flow_id], "format": "csv"}}[fmt]
    series = sdmx.to_pandas(sdmx.read_sdmx(io.BytesIO(data), **kwargs).data[0])
    return {tuple(dict(zip(series.index.names, index))[d] for d in dimension_ids): float(value)
            for index, value in series.items()}


def quarter(period):
    return f"{period[:4]}-{period[4:]}"  # 2014Q1 → 2014-Q1


CASES = [("sdmx1", f) for f in FORMATS if f != "csv1"] + [("pysdmx", "structurespecific"), ("pysdmx", "csv1"),
                                                          ("pysdmx", "csv2")]


def test_sdmx1_reads_the_dataflows_and_a_structure_with_its_codelists_over_http(base):
    flows = sdmx.read_sdmx(io.BytesIO(requests.get(f"{base}/sdmx/2.1/dataflow", timeout=30).content))
    assert set(flows.dataflow) == {"RPW_CORRIDOR_COST", "RPW_PRICES", "RPW_INDICATORS", "FLOWS",
                                   "NATIONAL_REMITTANCES"}
    answer = requests.get(f"{base}/sdmx/2.1/datastructure/OBSERVATORY/DSD_RPW_CORRIDOR_COST/1.0",
                          params={"references": "children"}, timeout=30)
    message = sdmx.read_sdmx(io.BytesIO(answer.content))
    dsd = message.structure["DSD_RPW_CORRIDOR_COST"]
    assert [d.id for d in dsd.dimensions.components] == ["FREQ", "SOURCE_AREA", "DEST_AREA", "SERIES", "AMOUNT",
                                                         "TIME_PERIOD"]
    assert {"NPL", "ARE", "WLD", "LDC"} <= {c.id for c in message.codelist["CL_AREA"]}
    assert {c.id for c in message.codelist["CL_SERIES"]} >= {"OBSERVED", "OFFICIAL", "DERIVED", "DECLARED"}


def test_the_readme_sdmx1_client_reads_a_corridor_as_the_json_history_has_it(base):
    history = requests.get(f"{base}/api/v1/corridors/ARE/NPL/history", timeout=30).json()["items"]
    sdmx.add_source({"id": "OBSERVATORY", "name": "Remittances Observatory", "url": f"{base}/sdmx/2.1"},
                    override=True)
    client = sdmx.Client("OBSERVATORY")  # sdmx1 asks for the source id as the agency
    assert "RPW_CORRIDOR_COST" in client.dataflow().dataflow
    series = sdmx.to_pandas(client.data("RPW_CORRIDOR_COST", key="Q.ARE.NPL.OFFICIAL.USD200").data[0])
    got = {dict(zip(series.index.names, index))["TIME_PERIOD"]: float(v) for index, v in series.items()}
    assert got == {quarter(h["period"]): published(h["official_average_pct"], AVERAGE_PLACES) for h in history
                   if h["official_average_pct"] is not None}


@pytest.mark.parametrize("reader, fmt", CASES)
def test_a_corridors_costs_read_by_sdmx_clients_equal_its_json_history(base, structures, reader, fmt):
    history = requests.get(f"{base}/api/v1/corridors/ARE/NPL/history", timeout=30).json()["items"]
    expected = {}
    for item in history:
        for series, field in (("OBSERVED", "observed_average_pct"), ("OFFICIAL", "official_average_pct")):
            if item[field] is not None:
                expected[("Q", "ARE", "NPL", series, "USD200", quarter(item["period"]))] = published(
                    item[field], AVERAGE_PLACES)
    assert {k[3] for k in expected} == {"OBSERVED", "OFFICIAL"}
    data = fetch(base, "/sdmx/2.1/data/RPW_CORRIDOR_COST/Q.ARE.NPL..USD200", fmt)
    assert read(reader, fmt, data, structures, "RPW_CORRIDOR_COST") == expected


@pytest.mark.parametrize("reader, fmt", [("sdmx1", "structurespecific"), ("pysdmx", "csv2")])
def test_indicators_read_over_sdmx_equal_the_json_indicators(base, structures, reader, fmt):
    periods = requests.get(f"{base}/api/v1/indicators", timeout=30).json()["available_periods"]
    expected = {}
    for period in periods:
        answer = requests.get(f"{base}/api/v1/indicators", params={"period": period}, timeout=30).json()
        for field, code in (("global_average_pct", "GLOBAL_AVG"), ("ldc_average_pct", "LDC_AVG"),
                            ("global_weighted_average_pct", "GLOBAL_WEIGHTED_AVG")):
            if answer[field] is not None:
                expected[("Q", code, quarter(period))] = published(answer[field], AVERAGE_PLACES)
    data = fetch(base, "/sdmx/2.1/data/RPW_INDICATORS/Q.GLOBAL_AVG+LDC_AVG+GLOBAL_WEIGHTED_AVG", fmt)
    got = read(reader, fmt, data, structures, "RPW_INDICATORS")
    assert got == expected
    assert round(got[("Q", "GLOBAL_WEIGHTED_AVG", "2014-Q1")], 2) == 5.91  # RPW's published figure


@pytest.mark.parametrize("reader, fmt", [("sdmx1", "generic"), ("sdmx1", "json"), ("pysdmx", "csv1")])
def test_flows_read_over_sdmx_equal_the_country_profile(base, structures, reader, fmt):
    profile = requests.get(f"{base}/api/v1/countries/NPL", timeout=30).json()
    labels = {"knomad_inflows_usd_m": ("INFLOW", "KNOMAD"), "wdi_inflows_usd_m": ("INFLOW", "WDI")}
    expected = {("A", "NPL", "WLD", *labels[name], str(year)): published(value, USD_MILLIONS_PLACES)
                for name, series in profile["series"].items()
                if name in labels for year, value in series["values"].items() if value is not None}
    senders = profile["top_sending_countries"]
    assert senders["year"] == 2012 and senders["items"]
    expected.update({("A", "NPL", s["source"], "INFLOW", "MATRIX", "2012"): published(s["usd_millions"],
                                                                                        USD_MILLIONS_PLACES)
                     for s in senders["items"]})
    assert {k[4] for k in expected} == {"KNOMAD", "WDI", "MATRIX"}
    data = fetch(base, "/sdmx/2.1/data/FLOWS/A.NPL...", fmt)
    got = read(reader, fmt, data, structures, "FLOWS")
    assert {k: got.get(k) for k in expected} == expected


def test_provider_prices_read_over_sdmx_equal_the_corridors_quotes(base, structures):
    corridor = requests.get(f"{base}/api/v1/corridors/ARE/NPL", params={"period": "2014Q1"}, timeout=30).json()
    expected = sorted(published(q["total_cost_pct"], PRICE_PLACES) for q in corridor["quotes"])
    data = fetch(base, "/sdmx/2.1/data/RPW_PRICES/Q.ARE.NPL...USD200.TOTAL_COST", "structurespecific",
                 startPeriod="2014-Q1", endPeriod="2014-Q1")
    got = read("sdmx1", "structurespecific", data, structures, "RPW_PRICES")
    assert len(got) == len(expected) and sorted(got.values()) == expected


def test_sdmx_3_0_filters_and_the_2_1_key_answer_the_same_observations(base, structures):
    key_21 = fetch(base, "/sdmx/2.1/data/RPW_CORRIDOR_COST/Q.USA+GBR.NPL+BGD.OFFICIAL.", "csv2",
                   startPeriod="2015", endPeriod="2016-Q2")
    filtered = fetch(base, "/sdmx/3.0/data/dataflow/OBSERVATORY/RPW_CORRIDOR_COST/1.0/Q.*.*.OFFICIAL.*", "csv2",
                     **{"c[SOURCE_AREA]": "USA,GBR", "c[DEST_AREA]": "NPL,BGD", "c[TIME_PERIOD]": "ge:2015+le:2016-Q2"})
    got = read("sdmx1", "csv2", filtered, structures, "RPW_CORRIDOR_COST")
    assert got == read("sdmx1", "csv2", key_21, structures, "RPW_CORRIDOR_COST")
    assert got and {k[5][:4] for k in got} <= {"2015", "2016"} and {k[1] for k in got} <= {"USA", "GBR"}


def test_an_unchanged_answer_is_304_and_gzip_streams_the_same_bytes(base):
    url = f"{base}/sdmx/2.1/data/RPW_CORRIDOR_COST/Q.ARE.NPL..USD200"
    first = requests.get(url, headers={"Accept": FORMATS["csv1"], "Accept-Encoding": "identity"}, timeout=30)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = requests.get(url, headers={"Accept": FORMATS["csv1"], "Accept-Encoding": "identity",
                                       "If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and not again.content
    since = requests.get(url, headers={"Accept": FORMATS["csv1"], "If-Modified-Since": first.headers["Last-Modified"]},
                         timeout=30)
    assert since.status_code == 304
    other = requests.get(url, headers={"Accept": FORMATS["json"], "If-None-Match": first.headers["ETag"]}, timeout=30)
    assert other.status_code == 200  # another format is another representation
    raw = requests.get(url, headers={"Accept": FORMATS["csv1"], "Accept-Encoding": "gzip"}, timeout=30, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw.raw.read()) == first.content


def test_cors_on_answers_errors_and_the_preflight(base):
    answer = requests.get(f"{base}/sdmx/2.1/dataflow", headers=ORIGIN, timeout=30)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    flow = f"{base}/sdmx/2.1/data/RPW_CORRIDOR_COST"
    errors = {  # every SDMX status, whoever answers it: the SDMX handler, the route table, werkzeug's routing
        "no such flow (the handler)": (requests.get(f"{base}/sdmx/2.1/data/NO_SUCH_FLOW", headers=ORIGIN,
                                                    timeout=30), 404),
        "a bad key (the handler)": (requests.get(f"{flow}/Q.ARE", headers=ORIGIN, timeout=30), 400),
        "an unknown parameter (the route table)": (requests.get(f"{flow}/all", params={"period": "2014Q1"},
                                                                headers=ORIGIN, timeout=30), 400),
        "a parameter twice (the route table)": (requests.get(f"{flow}/all?detail=full&detail=full", headers=ORIGIN,
                                                             timeout=30), 400),
        "no such path (routing)": (requests.get(f"{base}/sdmx/2.1/data/A/B/C/D/E", headers=ORIGIN, timeout=30), 404),
        "a method not allowed (routing)": (requests.post(f"{flow}/all", headers=ORIGIN, timeout=30), 405),
        "a format not offered": (requests.get(flow, headers={**ORIGIN, "Accept": "application/pdf"}, timeout=30), 406),
        "a resource not implemented": (requests.get(f"{base}/sdmx/2.1/categoryscheme", headers=ORIGIN,
                                                    timeout=30), 501),
    }
    for what, (error, status) in errors.items():
        assert error.status_code == status, (what, error.status_code, error.text)
        assert error.headers.get("Access-Control-Allow-Origin") == "*", what
        assert "ETag" in error.headers["Access-Control-Expose-Headers"], what
    preflight = requests.options(f"{base}/sdmx/2.1/data/RPW_PRICES", timeout=30,
                                 headers={**ORIGIN, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    api = requests.get(f"{base}/api/v1/no-such-thing", headers=ORIGIN, timeout=30)
    assert api.status_code == 404 and "Access-Control-Allow-Origin" not in api.headers  # the SDMX service's only


def test_the_statuses_sdmx_prescribes(base):
    flow = f"{base}/sdmx/2.1/data/RPW_CORRIDOR_COST"
    assert requests.get(flow, headers={"Accept": "application/pdf"}, timeout=30).status_code == 406
    assert requests.get(f"{base}/sdmx/2.1/categoryscheme", timeout=30).status_code == 501
    assert requests.get(f"{flow}/all", params={"detail": "serieskeysonly"}, timeout=30).status_code == 501
    prices = f"{base}/sdmx/2.1/data/RPW_PRICES/Q.ARE.NPL...."  # provider quotes keep versions: time travel
    assert requests.get(prices, params={"updatedAfter": "2024-01-01T00:00:00Z"}, timeout=60).status_code == 200
    bad = requests.get(f"{flow}/Q.ARE", timeout=30)
    assert bad.status_code == 400 and bad.json()["error"] == "INVALID_SDMX_QUERY"
    assert requests.get(f"{flow}/all", params={"startPeriod": "2099"}, timeout=30).status_code == 404
    nothing_30 = requests.get(f"{base}/sdmx/3.0/data/dataflow/OBSERVATORY/RPW_CORRIDOR_COST/1.0/*",
                              params={"c[TIME_PERIOD]": "ge:2099"}, timeout=30)
    assert nothing_30.status_code == 204 and not nothing_30.content
    national = requests.get(f"{base}/sdmx/3.0/data/dataflow/OBSERVATORY/NATIONAL_REMITTANCES/1.0", timeout=30)
    assert national.status_code == 204  # no national submission published yet
    assert requests.get(f"{flow}/all", params={"period": "2014Q1"}, timeout=30).status_code == 400


def test_every_corridor_quarter_streams_in_chunks(base):
    """The whole corridor-cost dataflow arrives in many chunks (the gateway writes as it pages), and holds
    every corridor-quarter of the corridor lists of the JSON API."""
    periods = ("2011Q1", "2014Q1", "2020Q3")
    expected = 0
    for period in periods:
        expected += sum(
            (i["average_source"] == "observed") + (i["official_average_pct"] is not None)
            for i in requests.get(f"{base}/api/v1/corridors", params={"period": period, "limit": 500},
                                  timeout=30).json()["items"])
    with requests.get(f"{base}/sdmx/2.1/data/RPW_CORRIDOR_COST", timeout=120, stream=True,
                      headers={"Accept": FORMATS["csv1"], "Accept-Encoding": "identity"}) as answer:
        assert answer.headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in answer.headers
        pieces = list(answer.raw.stream(amt=None, decode_content=False))
    assert len(pieces) > 10
    rows = [r for r in b"".join(pieces).decode().splitlines()[1:] if ",USD200," in r]  # the lists' price point
    in_periods = [r for r in rows if any(f",{quarter(p)}," in r for p in periods)]
    assert len(in_periods) == expected


def test_the_usd_500_average_is_served_as_computed_from_the_quotes_and_as_the_json_corridor_has_it(base, structures):
    corridor = requests.get(f"{base}/api/v1/corridors/ARE/NPL", params={"period": "2014Q1"}, timeout=30).json()
    from_file = cc2_averages(raw_quotes())[("ARE", "NPL", "2014Q1")]
    assert corridor["average_total_cost_pct_500"] == pytest.approx(from_file, abs=1e-9)
    data = fetch(base, "/sdmx/2.1/data/RPW_CORRIDOR_COST/Q.ARE.NPL.OBSERVED.USD500", "csv2",
                 startPeriod="2014-Q1", endPeriod="2014-Q1")
    assert read("sdmx1", "csv2", data, structures, "RPW_CORRIDOR_COST") == {
        ("Q", "ARE", "NPL", "OBSERVED", "USD500", "2014-Q1"): published(from_file, AVERAGE_PLACES)}
    [record] = list(csv.DictReader(io.StringIO(data.decode())))
    assert record["DECIMALS"] == "4" and record["OBS_VALUE"] == f"{published(from_file, 4):.4f}"


def test_declared_prices_are_served_as_the_declared_series_beside_unchanged_observed_ones(base, structures):
    """Last in the module: the declared prices stay (2013Q4, a quarter no other test counts)."""
    operator = {"Authorization": f"Bearer {ADMIN}"}
    key = "/sdmx/2.1/data/RPW_CORRIDOR_COST/Q.USA.MEX.."
    before = requests.get(f"{base}{key}", headers={"Accept": FORMATS["csv2"]}, timeout=60)
    prices = {"Western Union": [dict(amount=200, fee=10, exchange_rate=12.2, interbank_rate=12.5, product="cash"),
                                dict(amount=500, fee=10, exchange_rate=12.3, interbank_rate=12.5, product="cash")],
              "MoneyGram": [dict(amount=200, fee=8, exchange_rate=12.1, interbank_rate=12.5, product="cash")]}
    for firm, declared in prices.items():
        [provider] = requests.get(f"{base}/api/v1/providers", params={"alias": firm}, timeout=30).json()["items"]
        minted = requests.post(f"{base}/api/v1/credentials", json={"role": "provider", "provider_id": provider["id"]},
                               headers=operator, timeout=30)
        assert minted.status_code == 201, minted.text
        for price in declared:
            answer = requests.post(f"{base}/api/v1/providers/{provider['id']}/quotes", timeout=30,
                                   json={"source": "USA", "destination": "MEX", "period": "2013Q4", "currency": "USD",
                                         **price}, headers={"Authorization": f"Bearer {minted.json()['token']}"})
            assert answer.status_code == 201, answer.text
    usd200 = (by_hand(200, 10, 12.2, 12.5) + by_hand(200, 8, 12.1, 12.5)) / 2
    usd500 = by_hand(500, 10, 12.3, 12.5)
    wait_for(lambda: requests.get(f"{base}{key}", headers={"Accept": FORMATS["csv2"],
                                                           "If-None-Match": before.headers["ETag"]},
                                  timeout=60).status_code == 200, timeout=60, interval=0.5,
             what="the SDMX answer's tag to change with the declared prices")
    after = fetch(base, key, "csv2")
    got = read("sdmx1", "csv2", after, structures, "RPW_CORRIDOR_COST")
    declared_got = {k: v for k, v in got.items() if k[3] == "DECLARED"}
    assert declared_got == {("Q", "USA", "MEX", "DECLARED", "USD200", "2013-Q4"): pytest.approx(usd200, abs=1e-3),
                            ("Q", "USA", "MEX", "DECLARED", "USD500", "2013-Q4"): pytest.approx(usd500, abs=1e-3)}
    unchanged = read("sdmx1", "csv2", before.content, structures, "RPW_CORRIDOR_COST")
    assert {k: v for k, v in got.items() if k[3] != "DECLARED"} == unchanged and unchanged
    declared_rows = [r for r in csv.DictReader(io.StringIO(after.decode())) if r["SERIES"] == "DECLARED"]
    assert sorted((r["AMOUNT"], r["QUOTES"]) for r in declared_rows) == [("USD200", "2"), ("USD500", "1")]
    assert all(r["PROVENANCE"].startswith("provider-declared") for r in declared_rows)
