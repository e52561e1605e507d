"""Time travel over SDMX for the provider prices and the national statistics,
on the real broker: the real 2011Q1 quotes, then their revision (real rows
removed); a central bank's real WDI figures, then a revision (one moved, one
deleted) embargoed a few seconds. asOf either release answers that release's
figures exactly (computed here from each file), sdmx1 reads them, updatedAfter
answers only what changed, and the embargoed revision is in no vintage before
its date."""
import csv
import datetime as dt
import io

import pytest
import requests
import sdmx

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.conftest import wait_for
from tests.ingest_files import as_csv
from tests.integration.test_vintages_api import upload
from tests.live import live_services
from tests.national_files import csv_with, rows, sdmx_csv, wdi_inflows_usd
from tests.vintage_files import quarter_and_revision, total_costs

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_vintages-admin-token-0123456789abcdefghijklmnopqrstu"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
API = "/api/v1"
CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
ML = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
PRICES = "/sdmx/3.0/data/dataflow/OBSERVATORY/RPW_PRICES/1.0"
NATIONAL = "/sdmx/3.0/data/dataflow/OBSERVATORY/NATIONAL_REMITTANCES/1.0/A.NPL.WLD._T.INFLOW"


@pytest.fixture(scope="module")
def base(vhost_pipeline):
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as url:
        yield url


def latest_release(base):
    return requests.get(f"{base}{API}/countries/NPL", timeout=30).json()["vintage"]


def sdmx_rows(base, path, **params):
    """The SDMX-CSV 2.0 rows an SDMX 3.0 data query answers ([] for SDMX 3.0's empty answer, 204)."""
    answer = requests.get(f"{base}{path}", params=params, headers={"Accept": CSV2}, timeout=120)
    if answer.status_code == 204:
        return []
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def prices_read(found, corridors):
    costs = {c: [] for c in corridors}
    for row in found:
        corridor = (row["SOURCE_AREA"], row["DEST_AREA"])
        if corridor in costs and row["MEASURE"] == "TOTAL_COST" and row.get("ACTION", "I") != "D":
            costs[corridor].append((row["PROVIDER"], row["AMOUNT"], float(row["OBS_VALUE"])))
    return {c: sorted(v) for c, v in costs.items()}


def structure(base, dsd_id):
    answer = requests.get(f"{base}/sdmx/2.1/datastructure/OBSERVATORY/{dsd_id}/1.0", params={"references": "children"},
                          timeout=60)
    assert answer.status_code == 200, answer.text
    return sdmx.read_sdmx(io.BytesIO(answer.content)).structure[dsd_id]


def sdmx1_values(base, path, dsd, **params):
    """{(dimension values...): value} of a structure-specific SDMX-ML answer as sdmx1 reads it."""
    answer = requests.get(f"{base}{path}", params=params, headers={"Accept": ML}, timeout=120)
    assert answer.status_code == 200, answer.text
    series = sdmx.to_pandas(sdmx.read_sdmx(io.BytesIO(answer.content), structure=dsd).data[0])
    return {tuple(str(v) for v in (index if isinstance(index, tuple) else (index,))): float(value)
            for index, value in series.items()}


def test_provider_prices_asof_each_vintage_and_updated_after_only_the_removed_quotes(base):
    files = quarter_and_revision()
    header, moved, emptied = files["header"], files["moved"], files["emptied"]
    assert upload(base, as_csv(header, files["first"]), "rpw-quotes")["status"] == "completed"
    t1 = latest_release(base)["published_at"]
    revision = upload(base, as_csv(header, files["revised"]), "rpw-quotes")
    assert revision["status"] == "needs_review"  # it removes published quotes
    assert requests.post(f"{base}{API}/datasets/{revision['id']}/publish", headers=AUTH, timeout=60).status_code == 200
    t2 = latest_release(base)["published_at"]
    assert t2 > t1

    key = f"{PRICES}/Q.{moved[0]}.{moved[1]}.*.*.*.TOTAL_COST"
    for at, file_rows in ((t1, files["first"]), (t2, files["revised"])):
        then = sdmx_rows(base, key, asOf=at)
        assert prices_read(then, [moved]) == pytest.approx(total_costs(header, file_rows, [moved]))
        assert "ACTION" not in then[0] or then[0]["ACTION"] in ("", "I")  # what was published: information
    now = prices_read(sdmx_rows(base, key), [moved])  # the ordinary answer is the newest vintage
    assert now == pytest.approx(total_costs(header, files["revised"], [moved]))

    dsd = structure(base, "DSD_RPW_PRICES")
    read_then = sdmx1_values(base, key, dsd, asOf=t1)
    assert sorted(read_then.values()) == pytest.approx(sorted(v for _, _, v in total_costs(
        header, files["first"], [moved])[moved]))

    changed = sdmx_rows(base, f"{PRICES}/*", updatedAfter=t1)
    assert {(r["SOURCE_AREA"], r["DEST_AREA"]) for r in changed} == {moved, emptied}
    first, revised = (total_costs(header, r, [moved, emptied]) for r in (files["first"], files["revised"]))
    removed = sum(len(first[c]) - len(revised[c]) for c in first)
    assert sum(r["ACTION"] == "D" and r["MEASURE"] == "TOTAL_COST" for r in changed) == removed > 0
    assert sdmx_rows(base, f"{PRICES}/*", updatedAfter=t2) == []


def national_values(found):
    return {r["TIME_PERIOD"]: (r.get("ACTION") or "I", float(r["OBS_VALUE"]) if r["OBS_VALUE"] else None)
            for r in found}


def _reporter(base):
    reporter = {"id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"}
    assert requests.post(f"{base}{API}/reporters", json=reporter, headers=AUTH, timeout=30).status_code == 201
    minted = requests.post(f"{base}{API}/credentials", json={"role": "reporter", "reporter_id": "nrb"},
                           headers=AUTH, timeout=30)
    assert minted.status_code == 201, minted.text
    return {"Authorization": f"Bearer {minted.json()['token']}"}


def _submit(base, token, data):
    """A submission, once its validation job (which runs after the upload answers 202) validated it."""
    answer = requests.post(f"{base}{API}/submissions", data=data, headers={**token, "Content-Type": CSV2}, timeout=60)
    assert answer.status_code == 202 and answer.json()["status"] == "processing", answer.text
    path = f"{base}{API}/submissions/{answer.json()['id']}"

    def status():
        return requests.get(path, headers=token, timeout=30).json()["status"]
    wait_for(lambda: status() != "processing", timeout=60, interval=0.2, what="the submission's validation")
    assert status() == "validated"
    return answer.json()["id"]


def test_national_statistics_asof_each_vintage_and_an_embargoed_revision_in_none_before_its_date(base):
    token = _reporter(base)
    wdi = wdi_inflows_usd("NPL")
    first_id = _submit(base, token, sdmx_csv(rows("NPL", (2019, 2020))))
    published = requests.post(f"{base}{API}/submissions/{first_id}/publish", headers=token, timeout=30)
    assert published.status_code == 200 and published.json()["status"] == "published", published.text
    t1 = latest_release(base)
    assert t1["id"] == f"national-{first_id}"
    first = {"2019": ("I", pytest.approx(wdi[2019] / 1e6)), "2020": ("I", pytest.approx(wdi[2020] / 1e6))}
    assert national_values(sdmx_rows(base, NATIONAL, asOf=t1["published_at"])) == first

    revised = rows("NPL", (2019,))
    revised[0]["OBS_VALUE"] = round(revised[0]["OBS_VALUE"] * 1.01, 6)
    data = csv_with(csv_with(sdmx_csv(revised + rows("NPL", (2020,))), 2, "ACTION", "R"), 3, "ACTION", "D")
    second_id = _submit(base, token, data)
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=6)
    held = requests.post(f"{base}{API}/submissions/{second_id}/publish", headers=token, timeout=30,
                         json={"embargo_until": until.isoformat()})
    assert held.status_code == 200 and held.json()["status"] == "embargoed", held.text
    embargoed_at = dt.datetime.now(dt.timezone.utc).isoformat()
    # embargoed: in no vintage, not the one of now, and nothing changed since the first release
    assert national_values(sdmx_rows(base, NATIONAL, asOf=embargoed_at)) == first
    assert sdmx_rows(base, NATIONAL, updatedAfter=t1["published_at"]) == []

    release = wait_for(lambda: (lambda v: v if v["id"] == f"national-{second_id}" else None)(latest_release(base)),
                       timeout=60, interval=0.3, what="the embargoed release")
    released_at = dt.datetime.fromisoformat(release["published_at"].replace("Z", "+00:00"))
    assert released_at >= until.replace(microsecond=until.microsecond // 1000 * 1000)
    just_before = (released_at - dt.timedelta(milliseconds=1)).isoformat()
    for at in (embargoed_at, just_before):  # every vintage before its date: the first figures only
        assert national_values(sdmx_rows(base, NATIONAL, asOf=at)) == first
    assert national_values(sdmx_rows(base, NATIONAL, asOf=release["published_at"])) == {
        "2019": ("I", pytest.approx(revised[0]["OBS_VALUE"]))}
    assert national_values(sdmx_rows(base, NATIONAL, updatedAfter=t1["published_at"])) == {
        "2019": ("R", pytest.approx(revised[0]["OBS_VALUE"])), "2020": ("D", None)}
    dsd = structure(base, "DSD_NATIONAL_REMITTANCES")
    read_then = sdmx1_values(base, NATIONAL, dsd, asOf=t1["published_at"])
    assert sorted(read_then.values()) == pytest.approx(sorted(wdi[y] / 1e6 for y in (2019, 2020)))
