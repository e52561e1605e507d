"""The SDG tracker and peers of one vintage: asOf a release answers the
figures published then, not the current ones; after a re-publication the
answers without asOf are the revised figures (the gateway fetched only what
the new releases changed). Expected values are computed here from the
quarter's rows (tests/vintage_files.py), not by the parsers."""
import logging
import statistics

import pytest
import requests

from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.ingest_files import DATABANK, as_csv
from tests.integration.test_analysis_api import raw_country_costs
from tests.integration.test_vintages_api import AUTH, get, upload
from tests.live import live_services
from tests.vintage_files import averages, quarter_and_revision

pytestmark = [pytest.mark.broker]
ADMIN = AUTH["Authorization"].split()[1]
QUARTER = "2011Q1"


def country_mean(corridor_averages, iso3):
    """The tracker's method: the mean of the averages of the corridors into ``iso3``."""
    return statistics.fmean(v for (_, d), v in corridor_averages.items() if d == iso3)


def observed_average(sdg_answer):
    return next(r["value"] for r in sdg_answer["receiving"]["averages"]
                if (r["series"], r["period"]) == ("observed", QUARTER))


def peers_cost(answer):
    ldc = next(g for g in answer["groups"] if g["kind"] == "ldc")
    return ldc["indicators"]["cost_to_receive_pct"]["country"]


def answers(base, iso3, **params):
    sdg, peers = get(base, f"/api/v1/countries/{iso3}/sdg", **params), get(base, f"/api/v1/countries/{iso3}/peers",
                                                                           **params)
    assert sdg.status_code == 200 and peers.status_code == 200, (sdg.text, peers.text)
    return sdg.json(), peers.json()


def test_the_sdg_tracker_and_peers_asof_a_release_answer_its_figures(vhost_pipeline, caplog):
    caplog.set_level(logging.INFO, logger="gateway.analysis_inputs")
    files = quarter_and_revision()
    header, moved = files["header"], files["moved"]
    first, _ = averages(header, files["first"])
    revised, _ = averages(header, files["revised"])
    iso3 = moved[1]  # the revision moves one of its corridors
    assert country_mean(first, iso3) != pytest.approx(country_mean(revised, iso3))
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        assert upload(base, as_csv(header, files["first"]), "rpw-quotes")["status"] == "completed"
        sdg, peers = answers(base, iso3)
        vintage = sdg["vintage"]
        assert observed_average(sdg) == pytest.approx(country_mean(first, iso3))
        assert peers_cost(peers)["value"] == pytest.approx(country_mean(first, iso3))
        assert peers["vintage"] == vintage and sdg["permalink"].endswith(
            "asOf=" + vintage["published_at"].replace(":", "%3A"))

        revision = upload(base, as_csv(header, files["revised"]), "rpw-quotes")
        published = requests.post(f"{base}/api/v1/datasets/{revision['id']}/publish", headers=AUTH, timeout=60)
        assert published.status_code == 200, published.text
        assert upload(base, DATABANK.read_bytes(), "rpw-corridor-averages")["status"] == "completed"

        sdg_now, peers_now = answers(base, iso3)
        fetched = [r.getMessage() for r in caplog.records if r.name == "gateway.analysis_inputs"]
        assert any(f"the changes since {vintage['id']}" in m for m in fetched), fetched  # not everything again
        assert sdg_now["vintage"]["id"] != vintage["id"]
        assert observed_average(sdg_now) == pytest.approx(country_mean(revised, iso3))
        official = {r["period"]: r["value"] for r in sdg_now["receiving"]["averages"] if r["series"] == "official"}
        raw_official = {p: v for (s, p), v in raw_country_costs(iso3).items() if s == "official"}
        assert official == pytest.approx(raw_official) and official  # the official series came in the later release
        assert (peers_now["vintage"], peers_cost(peers_now)["series"]) == (sdg_now["vintage"], "official")

        sdg_then, peers_then = answers(base, iso3, asOf=vintage["published_at"])
        assert sdg_then["vintage"] == vintage
        assert observed_average(sdg_then) == pytest.approx(country_mean(first, iso3))
        assert {r["series"] for r in sdg_then["receiving"]["averages"]} == {"observed"}
        assert peers_cost(peers_then) == peers_cost(peers)  # the observed 2011Q1 figure, not the official one
        page = get(base, f"/countries/{iso3}/sdg", asOf=vintage["published_at"])
        assert page.status_code == 200 and f"{country_mean(first, iso3):.2f}" in page.text

        # the corridor's scorecard and what-if: of the vintage asked for too
        source, destination = moved
        s, d = header.index("source"), header.index("destination")
        quotes_then = sum(1 for r in files["first"] if (r[s], r[d]) == moved)
        scorecard = f"/api/v1/corridors/{source}/{destination}/scorecard"
        card_then = get(base, scorecard, asOf=vintage["published_at"]).json()
        card_now = get(base, scorecard).json()
        assert (card_then["vintage"], card_now["vintage"]) == (vintage, sdg_now["vintage"])
        assert (card_then["quotes"], card_now["quotes"]) == (quotes_then, quotes_then - 1)
        assert card_then["average_total_cost_pct"] == pytest.approx(first[moved])
        assert card_now["average_total_cost_pct"] == pytest.approx(revised[moved])
        assert (card_then["newest"]["series"], card_then["newest"]["value"]) == ("observed", pytest.approx(first[moved]))
        assert get(base, card_then["permalink"]).json() == card_then
        whatif = {"corridor": f"{source}-{destination}"}
        then, now = (get(base, "/api/v1/whatif", **whatif, **pin).json() for pin in ({"asOf": vintage["published_at"]}, {}))
        assert (then["cost_pct"], then["cost_period"], then["vintage"]) == (pytest.approx(first[moved]), QUARTER, vintage)
        assert (now["cost_pct"], now["cost_series"]) == (pytest.approx(card_now["newest"]["value"]),
                                                         card_now["newest"]["series"])
        page = get(base, f"/corridors/{source}/{destination}/scorecard", asOf=vintage["published_at"])
        assert page.status_code == 200 and f"release {vintage['id']}" in page.text
