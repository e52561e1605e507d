"""Citing a figure through the gateway: every published answer names its
vintage and a permalink pinned to it; after a re-publication of the quarter
(revised: real rows removed) and the official series, the permalink still
answers the figures first published, computed here from the first file."""
import csv
import datetime as dt
import io

import pytest
import requests

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.ingest_files import DATABANK, as_csv
from tests.live import live_services
from tests.vintage_files import averages, quarter_and_revision
from tests.unit.test_sdmx_real_data import published

pytestmark = [pytest.mark.broker]
ADMIN = "obs_vintages-admin-token-0123456789abcdefghijklmnopqrstu"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
QUARTER = "2011Q1"


def upload(base, data, kind):
    from tests.conftest import wait_for

    answer = requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=data, headers=AUTH, timeout=120)
    assert answer.status_code == 202, answer.text
    dataset_id = answer.json()["id"]

    def settled():
        body = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=AUTH, timeout=30).json()  # 503: busy
        return body if body.get("status") in ("completed", "needs_review", "failed") else None
    return wait_for(settled, timeout=180, interval=0.5, what=f"{kind} dataset")


def figures(corridor):
    """What ingest published of a corridor quarter: not the catalog's links (a quote's provider entry, which
    the catalog may create after the figure was first read)."""
    return {**corridor, "quotes": [{k: v for k, v in q.items() if k != "provider_id"} for q in corridor["quotes"]]}


def get(base, path, **params):
    return requests.get(f"{base}{path}", params=params, timeout=30)


SDMX_CSV_2 = {"Accept": "application/vnd.sdmx.data+csv;version=2.0.0"}
OBSERVED_FLOW = "/sdmx/3.0/data/dataflow/OBSERVATORY/RPW_CORRIDOR_COST/1.0/Q.*.*.OBSERVED.USD200"


def sdmx_observed(base, **params):
    """{(source, destination): (ACTION, OBS_VALUE)} of the observed 2011-Q1 figures an SDMX 3.0 query answers."""
    answer = requests.get(f"{base}{OBSERVED_FLOW}", params={"c[TIME_PERIOD]": "2011-Q1", **params},
                          headers=SDMX_CSV_2, timeout=60)
    assert answer.status_code == 200, answer.text
    return {(row["SOURCE_AREA"], row["DEST_AREA"]): (row["ACTION"], float(row["OBS_VALUE"]) if row["OBS_VALUE"]
                                                     else None) for row in csv.DictReader(io.StringIO(answer.text))}


def at_sdmx_places(figures):
    """The figures as SDMX writes them: averages in percent to their DECIMALS, 4."""
    return {key: published(value, 4) for key, value in figures.items()}


def assert_sdmx_time_travel(base, cited_at, first, revised):
    """SDMX 3.0 asOf answers each vintage exactly; updatedAfter only what the revision changed."""
    then = sdmx_observed(base, asOf=cited_at)
    assert {k: v for k, (_, v) in then.items()} == at_sdmx_places(first)
    now = sdmx_observed(base)
    assert {k: v for k, (_, v) in now.items()} == at_sdmx_places(revised)
    changed = sdmx_observed(base, updatedAfter=cited_at)
    expected = {k for k in first if k not in revised or abs(revised[k] - first[k]) > 1e-9}
    assert set(changed) == expected and expected  # the moved and the emptied corridor, nothing else
    assert all(action == ("D" if k not in revised else "R") for k, (action, _) in changed.items())
    assert all(changed[k][1] == at_sdmx_places(revised)[k] for k in expected if k in revised)


def test_a_permalink_reproduces_the_answer_after_later_publications(vhost_pipeline):
    files = quarter_and_revision()
    header, moved, emptied = files["header"], files["moved"], files["emptied"]
    first, first_global = averages(header, files["first"])
    revised, revised_global = averages(header, files["revised"])
    corridor = f"/api/v1/corridors/{moved[0]}/{moved[1]}"
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        assert get(base, corridor, asOf="2020-01-01T00:00:00Z").status_code == 404  # nothing published then
        assert upload(base, as_csv(header, files["first"]), "rpw-quotes")["status"] == "completed"
        cited = get(base, corridor, period=QUARTER)
        assert cited.status_code == 200, cited.text
        cited = cited.json()
        vintage = cited["vintage"]
        assert cited["average_total_cost_pct"] == pytest.approx(first[moved])
        assert cited["permalink"] == f"{corridor}?period={QUARTER}&asOf={vintage['published_at'].replace(':', '%3A')}"
        indicators_link = get(base, "/api/v1/indicators").json()["permalink"]
        page = get(base, f"/corridors/{moved[0]}/{moved[1]}", period=QUARTER).text
        page_link = f"/corridors/{moved[0]}/{moved[1]}?period={QUARTER}&amp;asOf=" + \
            vintage["published_at"].replace(":", "%3A")
        assert "Permalink to this version" in page and f'href="{page_link}"' in page

        revision = upload(base, as_csv(header, files["revised"]), "rpw-quotes")
        assert revision["status"] == "needs_review"  # it removes published quotes
        published = requests.post(f"{base}/api/v1/datasets/{revision['id']}/publish", headers=AUTH, timeout=60)
        assert published.status_code == 200, published.text
        assert upload(base, DATABANK.read_bytes(), "rpw-corridor-averages")["status"] == "completed"

        now = get(base, corridor, period=QUARTER).json()
        assert now["average_total_cost_pct"] == pytest.approx(revised[moved])
        assert now["official_average_pct"] is not None and now["vintage"]["id"] != vintage["id"]
        again = get(base, cited["permalink"])
        assert again.status_code == 200, again.text
        again = again.json()
        assert figures(again) == figures(cited)  # the figures, quotes and vintage cited
        assert again["official_average_pct"] is None  # the official series came later
        assert get(base, indicators_link).json()["global_average_pct"] == pytest.approx(first_global)
        pinned_page = get(base, page_link.replace("&amp;", "&"))
        assert pinned_page.status_code == 200 and f"release {vintage['id']}" in pinned_page.text
        assert f"release {now['vintage']['id']}" in get(base, f"/corridors/{moved[0]}/{moved[1]}").text
        assert get(base, "/api/v1/indicators").json()["global_average_pct"] == pytest.approx(revised_global)
        assert_sdmx_time_travel(base, vintage["published_at"], first, revised)

        listed = get(base, "/api/v1/corridors", period=QUARTER, limit=500,
                     asOf=vintage["published_at"].replace("Z", "+00:00")).json()
        by_corridor = {(i["source"], i["destination"]): i for i in listed["items"]}
        assert by_corridor[emptied]["average_total_cost_pct"] == pytest.approx(first[emptied])
        assert listed["vintage"] == vintage
        history = get(base, f"{corridor}/history", asOf=vintage["published_at"]).json()
        assert [i["period"] for i in history["items"]] == [QUARTER]  # no official quarters yet

        future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
        for bad in (future, "2014-01-01T00:00:00", "soon"):
            answer = get(base, corridor, asOf=bad)
            assert answer.status_code == 400 and "asOf" in answer.json()["details"]["fields"], answer.text
        assert get(base, "/api/v1/countries/EGY", asOf=vintage["published_at"]).json()["vintage"] == vintage
