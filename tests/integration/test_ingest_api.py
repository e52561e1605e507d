"""Importing the real RPW files through the HTTP API, end to end on the real
broker, and checking the published figures against the World Bank's own."""
import csv
import json
from collections import defaultdict

import eventlet
import pytest
import requests
from nameko.events import event_handler

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.live import live_services
from tests.ingest_files import (
    DATABANK,
    DERIVED,
    RPW_QUOTES,
    WDI_INFLOWS,
    as_csv,
    corridor_quarters_off_the_official_series,
    official_corridor_quarters,
    real_rows,
)


pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
UPLOAD_LIMIT = 10 * 1024 * 1024  # the real files are under it; 100 MB is covered by bench/
ADMIN = "obs_integration-admin-token-0123456789abcdefghijklmnop"


class Recorder:
    """Counts what ingest publishes."""

    name = "recorder"
    seen = defaultdict(list)

    @event_handler("ingest", "dataset.published")
    def dataset_published(self, payload):
        self.seen["dataset.published"].append(payload)

    @event_handler("ingest", "corridor.cost.changed")
    def corridor_changed(self, payload):
        self.seen["corridor.cost.changed"].append(payload)

    @event_handler("ingest", "firms.observed")
    def firms_observed(self, payload):
        self.seen["firms.observed"].append(payload)


def upload(base, path, kind, **extra):
    return requests.post(f"{base}/api/v1/datasets", params={"kind": kind, **extra}, data=path.read_bytes(),
                         headers={"Authorization": f"Bearer {ADMIN}", "X-Filename": path.name}, timeout=120)


def wait_done(base, dataset_id):
    def done():
        body = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers={"Authorization": f"Bearer {ADMIN}"},
                            timeout=30).json()
        return body if body.get("status") in ("completed", "failed", "needs_review", "rejected") else None
    return wait_for(done, timeout=120, interval=0.5, what=f"dataset {dataset_id}")


@pytest.fixture(scope="module")
def platform(request, vhost_pipeline):
    Recorder.seen.clear()
    services = (GatewayService, IngestService, CatalogService, Recorder)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=UPLOAD_LIMIT) as base:
        quotes = upload(base, RPW_QUOTES, "rpw-quotes")
        assert quotes.status_code == 202, quotes.text
        official = upload(base, DATABANK, "rpw-corridor-averages")
        derived = upload(base, DERIVED, "rpw-corridor-means")
        yield {"base": base, "quotes": wait_done(base, quotes.json()["id"]),
               "official": wait_done(base, official.json()["id"]), "derived": wait_done(base, derived.json()["id"])}


def test_both_files_import_completely(platform):
    quotes, official = platform["quotes"], platform["official"]
    assert (quotes["status"], quotes["rows_total"], quotes["rows_accepted"], quotes["rows_rejected"]) == (
        "completed", 25_516, 25_516, 0)
    assert quotes["periods"] == ["2011Q1", "2011Q3", "2012Q1", "2012Q3", "2013Q1", "2013Q2", "2013Q3", "2013Q4",
                                 "2014Q1"]
    assert official["status"] == "completed" and official["rows_rejected"] == 0


def test_every_databank_corridor_quarter_of_2011q1_2014q1_is_reproduced_within_a_hundredth(platform):
    expected = official_corridor_quarters()
    assert len(expected) == 1942
    wrong, checked = corridor_quarters_off_the_official_series(platform["base"], expected)
    assert wrong == [] and checked == 1942


def test_the_global_average_is_the_mean_over_transparent_quotes_of_the_raw_csv(platform):
    by_period = defaultdict(list)
    with open(RPW_QUOTES, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["transparent"] == "yes":
                by_period[row["period"][:4] + "Q" + row["period"][5]].append(float(row["cc1.total.cost.."]))
    for period, totals in by_period.items():
        figures = requests.get(f"{platform['base']}/api/v1/indicators", params={"period": period}, timeout=30).json()
        assert figures["global_average_pct"] == pytest.approx(sum(totals) / len(totals), abs=1e-9), period


def test_the_corridor_page_shows_quotes_with_transparency_and_provenance(platform):
    body = requests.get(f"{platform['base']}/api/v1/corridors/ARE/EGY", params={"period": "2011Q1"}, timeout=30).json()
    assert body["period"] == "2011Q1" and body["services"] >= 1
    assert body["quotes"] and all(q["provenance"]["dataset_id"] == platform["quotes"]["id"] for q in body["quotes"])
    counted = [q["total_cost_pct"] for q in body["quotes"] if q["counted_in_average"]]
    assert body["average_total_cost_pct"] == pytest.approx(sum(counted) / len(counted))
    latest = requests.get(f"{platform['base']}/api/v1/corridors/ARE/EGY", timeout=30).json()
    # latest by default: the newest quarter of any series (official and derived go past the quotes)
    assert latest["period"] > "2014Q1" and latest["average_source"] in ("official", "derived")


def test_events_were_published_once_per_changed_corridor_period(platform):
    wait_for(lambda: len(Recorder.seen["dataset.published"]) == 3, timeout=30, what="three dataset.published events")
    summary = next(e["data"] for e in Recorder.seen["dataset.published"] if e["data"]["kind"] == "rpw-quotes")
    assert summary["corridors_changed"] == summary["corridor_periods"] >= 1942  # all new
    wait_for(lambda: len(Recorder.seen["corridor.cost.changed"]) >= summary["corridors_changed"], timeout=30,
             what="corridor events")
    eventlet.sleep(2.5)  # a relay round: nothing more may come
    changed = Recorder.seen["corridor.cost.changed"]
    keys = [(e["data"]["period"], e["data"]["source"], e["data"]["destination"]) for e in changed]
    assert len(keys) == len(set(keys))  # once each
    assert len(Recorder.seen["firms.observed"]) == 1


def test_re_importing_the_same_file_creates_nothing(platform):
    before = {k: len(v) for k, v in Recorder.seen.items()}
    again = upload(platform["base"], RPW_QUOTES, "rpw-quotes")
    assert again.status_code == 200 and again.json() == {"id": platform["quotes"]["id"], "status": "completed",
                                                         "duplicate": True}
    eventlet.sleep(4)  # two outbox relay rounds
    assert {k: len(v) for k, v in Recorder.seen.items()} == before


def test_bad_uploads_get_precise_errors_and_change_nothing(platform):
    base, auth = platform["base"], {"Authorization": f"Bearer {ADMIN}"}
    assert requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=b"x").status_code == 401
    unknown = requests.post(f"{base}/api/v1/datasets", params={"kind": "tea-leaves"}, data=b"x", headers=auth)
    assert unknown.status_code == 400 and "kind" in unknown.json()["details"]["fields"]
    empty = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=b"", headers=auth)
    assert empty.status_code == 400 and "empty" in empty.json()["message"]
    too_big = b"x" * (UPLOAD_LIMIT + 1)
    declared = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=too_big, headers=auth)
    assert declared.status_code == 413 and declared.json()["error"] == "PAYLOAD_TOO_LARGE"
    streamed = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=auth,
                             data=(too_big[i:i + 2 ** 20] for i in range(0, len(too_big), 2 ** 20)))
    assert streamed.status_code == 413 and streamed.json()["details"]["limit"] == UPLOAD_LIMIT
    same_bytes_other_kind = upload(base, DATABANK, "rpw-quotes")
    assert same_bytes_other_kind.status_code == 409
    assert same_bytes_other_kind.json()["details"]["kind"] == "rpw-corridor-averages"
    wrong_file = upload(base, WDI_INFLOWS, "rpw-quotes")  # a real file of another kind
    failed = wait_done(base, wrong_file.json()["id"])
    assert failed["status"] == "failed" and "header" in failed["failure"]
    figures = requests.get(f"{base}/api/v1/indicators", params={"period": "2014Q1"}, timeout=30).json()
    assert figures["quotes_transparent"] > 2000  # untouched


def test_multipart_uploads_work(platform):
    data = b"\n".join(RPW_QUOTES.read_bytes().split(b"\n")[:30]) + b"\n"
    response = requests.post(f"{platform['base']}/api/v1/datasets", params={"kind": "rpw-quotes"},
                             files={"file": ("sample.csv", data, "text/csv")},
                             headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 202, response.text
    dataset = wait_done(platform["base"], response.json()["id"])
    assert dataset["filename"] == "sample.csv" and dataset["rows_accepted"] == 29
    # 29 rows of corridors published with more quotes: held, not published
    assert dataset["status"] == "needs_review" and dataset["review"]["quotes_lost"] > 0


def _raw_series():
    """{(source, destination): {period: value}} of the official and the derived file, read here."""
    official, derived = defaultdict(dict), defaultdict(dict)
    with open(DATABANK, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            for column, value in row.items():
                period = (column or "").split(" [")[0]
                if period[:4].isdigit() and value not in ("..", "", None):
                    official[(row["Sending Countries Code"], row["Receiving Countries  Code"])][period] = float(value)
    with open(DERIVED, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            period = row["period"][:4] + "Q" + row["period"][5]
            derived[(row["source_code"], row["destination_code"])][period] = float(row["avg_cost_pct_200usd"])
    return official, derived


def test_the_corridor_answers_its_latest_quarter_of_any_series_labelled_never_blended(platform):
    official, derived = _raw_series()
    assert platform["derived"]["status"] == "completed" and platform["derived"]["rows_accepted"] == 9072
    for source, destination in (("ARE", "NPL"), ("USA", "MEX"), ("GBR", "NGA")):
        latest = max(set(official[(source, destination)]) | set(derived[(source, destination)]))
        body = requests.get(f"{platform['base']}/api/v1/corridors/{source}/{destination}", timeout=30).json()
        assert body["period"] == latest >= "2020Q3"
        assert body["derived_average_pct"] == derived[(source, destination)].get(latest)
        assert body["official_average_pct"] == official[(source, destination)].get(latest)
        expected_source = "official" if latest in official[(source, destination)] else "derived"
        assert body["average_source"] == expected_source and body["quotes"] == []
        assert "not an official series" in body["series"].get("derived", "not an official series")
    # a quarter with the official series only among the two: official headline, derived shown beside it
    both = requests.get(f"{platform['base']}/api/v1/corridors/ARE/NPL", params={"period": "2019Q1"}, timeout=30)
    assert both.status_code == 200, both.text
    body = both.json()
    assert (body["average_source"], body["average_total_cost_pct"]) == ("official", official[("ARE", "NPL")]["2019Q1"])
    assert body["derived_average_pct"] == derived[("ARE", "NPL")]["2019Q1"]
    observed = requests.get(f"{platform['base']}/api/v1/corridors/ARE/NPL", params={"period": "2014Q1"}, timeout=30)
    body = observed.json()
    assert body["average_source"] == "observed" and body["quotes"]
    assert body["official_average_pct"] == official[("ARE", "NPL")]["2014Q1"]
    assert abs(body["average_total_cost_pct"] - body["official_average_pct"]) <= 0.01


def test_the_history_runs_over_every_quarter_of_every_series(platform):
    official, derived = _raw_series()
    history = requests.get(f"{platform['base']}/api/v1/corridors/ARE/NPL/history", timeout=30).json()
    periods = [item["period"] for item in history["items"]]
    assert periods == sorted(set(official[("ARE", "NPL")]) | set(derived[("ARE", "NPL")]) | {"2011Q1"})
    assert periods[0] == "2011Q1" and periods[-1] == "2023Q4"
    for item in history["items"]:
        assert item["official_average_pct"] == official[("ARE", "NPL")].get(item["period"])
        assert item["derived_average_pct"] == derived[("ARE", "NPL")].get(item["period"])
        precedence = [s for s in ("observed", "official", "derived") if item[f"{s}_average_pct"] is not None]
        assert item["average_source"] == precedence[0]
        assert item["average_total_cost_pct"] == item[f"{precedence[0]}_average_pct"]


def test_indicators_are_only_for_quarters_with_quotes(platform):
    missing = requests.get(f"{platform['base']}/api/v1/indicators", params={"period": "2019Q1"}, timeout=30)
    assert missing.status_code == 404 and "provider quotes" in missing.json()["message"]
    assert missing.json()["details"]["available"][-1] == "2014Q1"


def test_published_reads_carry_an_etag_and_the_next_read_after_an_import_is_fresh(platform):
    base, url = platform["base"], f"{platform['base']}/api/v1/corridors/ARE/EGY"
    first = requests.get(url, params={"period": "2011Q1"}, timeout=30)
    assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"]
    unchanged = requests.get(url, params={"period": "2011Q1"}, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.content

    header, rows = real_rows()
    column = {name: header.index(name) for name in ("period", "source", "destination", "cc1.total.cost..")}
    egypt = [list(r) for r in rows if (r[column["period"]], r[column["source"]], r[column["destination"]]) ==
             ("2011_1Q", "ARE", "EGY")]
    for row in egypt:  # the same providers re-surveyed at +1 pp: a correction, published on its own
        row[column["cc1.total.cost.."]] = str(float(row[column["cc1.total.cost.."]]) + 1)
    response = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=as_csv(header, egypt),
                             headers={"Authorization": f"Bearer {ADMIN}", "X-Filename": "egypt-revised.csv"})
    assert wait_done(base, response.json()["id"])["status"] == "completed"

    after = requests.get(url, params={"period": "2011Q1"}, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert after.json()["average_total_cost_pct"] == pytest.approx(first.json()["average_total_cost_pct"] + 1)


def test_the_dataset_published_event_alone_refreshes_the_gateways_reads(platform):
    from services.ingest.models import Dataset  # the in-process store is shared with this test

    base, url = platform["base"], f"{platform['base']}/api/v1/corridors/ARE/EGY/history"
    before = {i["period"]: i for i in requests.get(url, timeout=30).json()["items"]}["2011Q3"]
    header, rows = real_rows()
    column = {name: header.index(name) for name in ("period", "source", "destination", "cc1.total.cost..")}
    egypt = [list(r) for r in rows if (r[column["period"]], r[column["source"]], r[column["destination"]]) ==
             ("2011_3Q", "ARE", "EGY")]
    for row in egypt:
        row[column["cc1.total.cost.."]] = str(float(row[column["cc1.total.cost.."]]) + 2)
    dataset_id = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, data=as_csv(header, egypt),
                               headers={"Authorization": f"Bearer {ADMIN}"}).json()["id"]
    wait_for(lambda: Dataset.objects(id=dataset_id).first().status == "completed", timeout=60, what="the import")

    def fresh():
        items = {i["period"]: i for i in requests.get(url, timeout=30).json()["items"]}
        return items["2011Q3"]["average_total_cost_pct"] == pytest.approx(before["average_total_cost_pct"] + 2)
    wait_for(fresh, timeout=15, interval=0.2, what="the event to invalidate the gateway's read model")


def test_every_event_ingest_really_emitted_loads_in_its_contract(platform):
    from observatory.contracts import contract_for
    from observatory.contracts.events import PRODUCED_BY

    wait_for(lambda: len(Recorder.seen["dataset.published"]) >= 3, timeout=30, what="the dataset events")
    events = [e for seen in Recorder.seen.values() for e in seen]
    # a national submission's events come from the submissions (test_submissions_api), not from these imports
    assert {e["type"] for e in events} == set(PRODUCED_BY["ingest"]) - {"national.published", "national.embargoed"}
    for event in events:
        assert contract_for(event["type"]).validate(event["data"]) == {}, event["type"]


def test_ingests_real_answers_load_in_the_answer_contracts_the_gateway_dumps_through(platform):
    from observatory.contracts import answers, datasets
    from services.ingest import queries  # the in-process store is shared with this test
    from services.ingest.store import IngestStore

    store = IngestStore.connected()
    listed = queries.list_datasets(store)
    assert datasets.DatasetListSchema().validate(listed) == {}
    for item in listed["items"]:
        assert datasets.DatasetSchema().validate(queries.get_dataset(store, item["id"])) == {}, item["kind"]
    checked = [
        (answers.CorridorSchema, queries.corridor(store, "ARE", "NPL", "2014Q1")),  # observed, with quotes
        (answers.CorridorSchema, queries.corridor(store, "ARE", "NPL", "2019Q1")),  # official
        (answers.CorridorSchema, queries.corridor(store, "ARE", "NPL")),  # latest: derived
        (answers.HistorySchema, queries.corridor_history(store, "GBR", "NGA")),
        (answers.CorridorListSchema, queries.list_corridors(store, "2014Q1")),
        (answers.CorridorListSchema, queries.list_corridors(store)),
        (answers.IndicatorsSchema, queries.indicators(store, "2014Q1")),
        (answers.CountryProfileSchema, queries.country_profile(store, "NPL")),
    ]
    for schema, answer in checked:
        assert schema().validate(answer) == {}, schema.__name__  # unknown fields refused
    for path, params, answer in (("/corridors/ARE/NPL", {"period": "2014Q1"}, checked[0][1]),
                                 ("/countries/NPL", None, checked[-1][1]), ("/indicators", {"period": "2014Q1"},
                                                                            checked[6][1])):
        served = requests.get(f"{platform['base']}/api/v1{path}", params=params, timeout=30).json()
        # what the catalog adds, and the gateway's analysis (quality flags, the newest costs: issue 20)
        for added in ("declared_quotes", "providers", "practices", "quality", "newest_cost_to_receive",
                      "newest_cost_to_send"):
            served.pop(added, None)
        assert served.pop("permalink").endswith("asOf=" + answer["vintage"]["published_at"].replace(":", "%3A"))
        for quote in served.get("quotes", []):
            assert quote.pop("provider_id"), quote["provider"]
        assert served == json.loads(json.dumps(answer, default=str)), path  # dumped through its schema, losslessly


def test_the_catalogs_real_answers_load_in_the_contracts_the_gateway_dumps_through(platform):
    import mongoengine

    from observatory.contracts import catalog
    from services.catalog import queries
    from services.catalog.store import CatalogStore

    store = CatalogStore(mongoengine.get_db("catalog"))  # the in-process store is shared with this test
    first = queries.list_providers(store, limit=5)
    names = [q["provider"] for q in requests.get(f"{platform['base']}/api/v1/corridors/ARE/NPL",
                                                 params={"period": "2014Q1"}, timeout=30).json()["quotes"]]
    for schema, answer in ((catalog.ProviderListSchema, first),
                           (catalog.ProviderSchema, queries.get_provider(store, first["items"][0]["id"])),
                           (catalog.AuditListSchema, queries.provider_audit(store, first["items"][0]["id"])),
                           (catalog.CorridorExtrasSchema, queries.corridor_extras(store, "ARE", "NPL", "2014Q1", names)),
                           (catalog.CountryExtrasSchema, queries.country_extras(store, "NPL"))):
        assert schema().validate(json.loads(json.dumps(answer, default=str))) == {}, schema.__name__
