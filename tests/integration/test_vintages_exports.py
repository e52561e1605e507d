"""asOf and permalinks on the exports, the LDC lens and the overview (issues
19 §3, 20 §1-2): before and after a re-publication of the real 2011Q1 quotes
(revised: real rows removed) and the World Bank's official series, each
answer pinned to the first vintage gives the figures computed here from the
first file, and now the figures of the revised file and the official series;
the exports' quality columns equal the counts taken from the file."""
import csv
import datetime as dt
import io
import re

import pytest
import requests

from gateway.analysis import ldc_members
from gateway.service import GatewayService
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from tests.ingest_files import DATABANK, as_csv, official_corridor_quarters
from tests.integration.test_vintages_api import ADMIN, AUTH, QUARTER, get, upload
from tests.live import live_services
from tests.unit.test_sdmx_real_data import published as as_sdmx_writes
from tests.vintage_files import averages, newest_by_country, one_pair_mean, quarter_and_revision, quote_counts

pytestmark = [pytest.mark.broker]
EXPORTS = ("/api/v1/exports/corridors.csv", "/api/v1/exports/corridors.sdmx.csv", "/api/v1/exports/indicators.csv",
           "/api/v1/exports/indicators.sdmx.csv", "/api/v1/exports/ldc.csv",
           "/api/v1/exports/countries/NPL/flows.csv", "/api/v1/exports/countries/NPL/flows.sdmx.csv")
ANSWERS = ("/api/v1/ldc", "/api/v1/overview")
PAGES = ("/", "/ldc")
LINK = re.compile(r'^<([^>]+)>; rel="bookmark"$')


def table(response):
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def pinned(vintage):
    return vintage["published_at"].replace(":", "%3A")


def link_of(response):
    found = LINK.match(response.headers.get("Link", ""))
    assert found, response.headers
    return found.group(1)


def observed_rows(rows):
    """{(source, destination): row} of the observed rows of a corridors.csv."""
    return {(r["source"], r["destination"]): r for r in rows if r["series"] == "observed"}


def assert_corridor_csv(rows, expected, counts):
    observed = observed_rows(rows)
    assert {k: float(r["average_total_cost_pct"]) for k, r in observed.items()} == pytest.approx(expected)
    for key, row in observed.items():
        assert (int(row["quotes"]), int(row["quotes_non_transparent"]), int(row["negative_fx_margins"])) == \
            counts[key], key
        assert row["period_end"] == "2011-03-31" and int(row["age_days"]) == \
            (dt.datetime.now(dt.timezone.utc).date() - dt.date(2011, 3, 31)).days
    assert any(c[1] for c in counts.values()) and any(c[2] for c in counts.values())  # both kinds occur


def sdmx_observed(response):
    """{(source, destination): (OBS_VALUE, QUOTES, QUOTES_TRANSPARENT, DECIMALS)} of the observed USD 200 rows."""
    return {(r["SOURCE_AREA"], r["DEST_AREA"]): (float(r["OBS_VALUE"]), int(r["QUOTES"]), int(r["QUOTES_TRANSPARENT"]),
                                                 int(r["DECIMALS"]))
            for r in table(response) if r["SERIES"] == "OBSERVED" and r["AMOUNT"] == "USD200" and r["OBS_VALUE"]}


def assert_sdmx_corridors(response, expected, counts, transparent):
    """The file's averages as SDMX writes them (at each row's DECIMALS), and the quote counts."""
    found = sdmx_observed(response)
    assert {k: v for k, (v, _, _, _) in found.items()} == {k: as_sdmx_writes(expected[k], d) for k, (_, _, _, d) in found.items()}
    assert set(found) == set(expected)
    assert {k: (q, t) for k, (_, q, t, _) in found.items()} == {k: (counts[k][0], transparent[k]) for k in expected}


def transparent_counts(counts):
    return {k: q - n for k, (q, n, _) in counts.items()}


def assert_lens(answer, newest, members, counts):
    """Each row its own period and series, equal to the newest figure computed from the files, an observed
    one with the quotes into the country counted from the file (``counts``); the mean over one period and
    series only, with its coverage."""
    rows = {r["iso3"]: r for r in answer["rows"]}
    assert set(rows) == members
    for iso3, row in rows.items():
        if iso3 not in newest:
            assert row["cost_pct"] is None
            continue
        period, series, value, corridors = newest[iso3]
        assert (row["period"], row["series"], row["corridors"]) == (period, series, corridors), iso3
        assert row["cost_pct"] == pytest.approx(value)
        into = [c for (_, destination), c in counts.items() if destination == iso3]
        expected = tuple(sum(c[i] for c in into) for i in range(3)) if series == "observed" else (None,) * 3
        assert (row["quotes"], row["quotes_non_transparent"], row["negative_fx_margins"]) == expected, iso3
    period, series, mean, used = one_pair_mean(newest)
    aggregate = answer["aggregate"]
    assert (aggregate["period"], aggregate["series"], aggregate["rows_used"]) == (period, series, used)
    assert aggregate["value"] == pytest.approx(mean)
    assert aggregate["rows_in_group"] == len(members) and aggregate["coverage"] == pytest.approx(used / len(members))
    others = sum(v["rows"] for v in answer["other_vintages"])
    assert others == len(newest) - used


def corridor_figures(observed, official=None):
    figures = {(s, d, QUARTER, "observed"): v for (s, d), v in observed.items()}
    figures.update({(s, d, p, "official"): v for (s, d, p), v in (official or {}).items()})
    return figures


def assert_overview(answer, global_average, figures):
    assert answer["latest"]["global_average_pct"] == pytest.approx(global_average)
    newest = newest_by_country({(s, f"{s}>{d}", p, series): v for (s, d, p, series), v in figures.items()},
                               {f"{s}>{d}" for s, d, _, _ in figures})  # one "country" per corridor
    period, series, mean, used = one_pair_mean(newest)
    aggregate = answer["newest"]["all"]["aggregate"]
    assert (aggregate["period"], aggregate["series"], aggregate["rows_used"]) == (period, series, used)
    assert aggregate["value"] == pytest.approx(mean) and answer["newest"]["all"]["corridors"] == len(newest)


def test_exports_lens_and_overview_answer_each_vintage_and_pin_it(vhost_pipeline):
    files = quarter_and_revision()
    header, moved, emptied = files["header"], files["moved"], files["emptied"]
    first, first_global = averages(header, files["first"])
    revised, revised_global = averages(header, files["revised"])
    first_counts, revised_counts = quote_counts(header, files["first"]), quote_counts(header, files["revised"])
    official = official_corridor_quarters("2011Q1", "2020Q3")
    members = ldc_members()
    with live_services(vhost_pipeline, (GatewayService, IngestService, CatalogService), ADMIN,
                       MAX_UPLOAD_BYTES=16 * 1024 * 1024) as base:
        future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
        for path in (*EXPORTS, *ANSWERS, *PAGES):
            before = get(base, path, asOf="2020-01-01T00:00:00Z")
            assert before.status_code == 404, (path, before.text)  # nothing published then
            later = get(base, path, asOf=future)
            assert later.status_code == 400, (path, later.text)
            if path not in PAGES:  # a page's error is a page for people
                assert "asOf" in later.json()["details"]["fields"], (path, later.text)

        assert upload(base, as_csv(header, files["first"]), "rpw-quotes")["status"] == "completed"
        corridors = get(base, EXPORTS[0], period=QUARTER)
        cited_corridors = link_of(corridors)
        vintage = get(base, "/api/v1/ldc").json()["vintage"]
        assert cited_corridors == f"{EXPORTS[0]}?period={QUARTER}&asOf={pinned(vintage)}"
        assert_corridor_csv(table(corridors), first, first_counts)
        first_bodies = {path: get(base, path) for path in EXPORTS[1:]}
        links = {path: link_of(answer) for path, answer in first_bodies.items()}
        assert all(link == f"{path}?asOf={pinned(vintage)}" for path, link in links.items())
        cited = {path: get(base, path).json() for path in ANSWERS}
        assert all(a["permalink"] == f"{p}?asOf={pinned(vintage)}" and a["vintage"] == vintage
                   for p, a in cited.items())
        first_newest = newest_by_country(corridor_figures(first), members)
        assert_lens(cited["/api/v1/ldc"], first_newest, members, first_counts)
        assert any(r["quotes_non_transparent"] for r in cited["/api/v1/ldc"]["rows"] if r["quotes"])
        assert_overview(cited["/api/v1/overview"], first_global, corridor_figures(first))
        assert_sdmx_corridors(get(base, EXPORTS[1], period=QUARTER), first, first_counts,
                              transparent_counts(first_counts))

        revision = upload(base, as_csv(header, files["revised"]), "rpw-quotes")
        assert revision["status"] == "needs_review"  # it removes published quotes
        published = requests.post(f"{base}/api/v1/datasets/{revision['id']}/publish", headers=AUTH, timeout=60)
        assert published.status_code == 200, published.text
        assert upload(base, DATABANK.read_bytes(), "rpw-corridor-averages")["status"] == "completed"

        # now: the revised quarter and the official series
        now = get(base, EXPORTS[0], period=QUARTER)
        assert link_of(now) != cited_corridors
        assert_corridor_csv(table(now), revised, revised_counts)
        assert observed_rows(table(now))[moved]["quotes"] == str(first_counts[moved][0] - 1)
        assert emptied not in observed_rows(table(now))
        lens_now = get(base, "/api/v1/ldc").json()
        assert lens_now["vintage"]["id"] != vintage["id"]
        newest_now = newest_by_country(corridor_figures(revised, official), members)
        assert any(period > QUARTER for period, *_ in newest_now.values())  # the official series is newer
        assert_lens(lens_now, newest_now, members, revised_counts)
        assert_overview(get(base, "/api/v1/overview").json(), revised_global, corridor_figures(revised, official))

        # the permalinks: the first vintage, exactly (the same bytes as first served)
        pinned_corridors = get(base, cited_corridors)
        assert_corridor_csv(table(pinned_corridors), first, first_counts)
        assert pinned_corridors.content == corridors.content
        # every export's permalink: the bytes first served (the SDMX-CSV views asOf a time are written from
        # the kept versions, the others from the figures: the same either way)
        assert [path for path in first_bodies if get(base, links[path]).content != first_bodies[path].content] == []
        for path in ANSWERS:
            again = get(base, cited[path]["permalink"])
            assert again.status_code == 200 and again.json() == cited[path], path
        assert_sdmx_corridors(get(base, EXPORTS[1], period=QUARTER, asOf=vintage["published_at"]), first,
                              first_counts, transparent_counts(first_counts))
        indicators = table(get(base, links[EXPORTS[2]]))
        assert [r["period"] for r in indicators] == [QUARTER]
        assert float(indicators[0]["global_average_pct"]) == pytest.approx(first_global)
        assert int(indicators[0]["quotes"]) == len(files["first"])
        assert int(indicators[0]["quotes_non_transparent"]) == sum(c[1] for c in first_counts.values())
        assert int(indicators[0]["negative_fx_margins"]) == sum(c[2] for c in first_counts.values())
        indicators_now = table(get(base, EXPORTS[2]))
        assert float(indicators_now[0]["global_average_pct"]) == pytest.approx(revised_global)
        sdmx_global = {r["TIME_PERIOD"]: (float(r["OBS_VALUE"]), int(r["DECIMALS"]))
                       for r in table(get(base, links[EXPORTS[3]])) if r["INDICATOR"] == "GLOBAL_AVG"}
        assert {p: v for p, (v, _) in sdmx_global.items()} == \
            {"2011-Q1": as_sdmx_writes(first_global, sdmx_global["2011-Q1"][1])}
        ldc_then = {r["iso3"]: r for r in table(get(base, links[EXPORTS[4]]))}
        assert {k: float(r["cost_pct"]) for k, r in ldc_then.items() if r["cost_pct"]} == \
            pytest.approx({k: v[2] for k, v in first_newest.items()})
        assert {(r["period"], r["series"]) for r in ldc_then.values() if r["cost_pct"]} == {(QUARTER, "observed")}
        assert {k: int(r["quotes"]) for k, r in ldc_then.items() if r["quotes"]} == \
            {r["iso3"]: r["quotes"] for r in cited["/api/v1/ldc"]["rows"] if r["quotes"] is not None}
        for path in EXPORTS[5:]:
            assert get(base, links[path]).status_code == 200

        # the country answer's newest figure is of its vintage too (not the newest published since)
        country = next(iso3 for iso3 in sorted(first_newest) if newest_now.get(iso3, (QUARTER,))[0] > QUARTER)
        then = get(base, f"/api/v1/countries/{country}", asOf=vintage["published_at"]).json()["newest_cost_to_receive"]
        assert (then["period"], then["series"], then["value"]) == \
            (QUARTER, "observed", pytest.approx(first_newest[country][2]))
        current = get(base, f"/api/v1/countries/{country}").json()["newest_cost_to_receive"]
        assert (current["period"], current["series"]) == newest_now[country][:2]
        for path in PAGES:
            page = get(base, path, asOf=vintage["published_at"])
            assert page.status_code == 200, page.text
            assert f"release {vintage['id']}" in page.text and \
                f'href="{path}?asOf={pinned(vintage)}"' in page.text, path
            assert f"release {lens_now['vintage']['id']}" in get(base, path).text
        lens_page = get(base, "/ldc", asOf=vintage["published_at"]).text
        shown = re.search(r'id="ldc-aggregate" data-value="([^"]+)" data-period="([^"]+)" data-series="([^"]+)"',
                          lens_page)
        assert (float(shown.group(1)), shown.group(2), shown.group(3)) == \
            (pytest.approx(cited["/api/v1/ldc"]["aggregate"]["value"]), QUARTER, "observed")
        assert f'/api/v1/exports/ldc.csv?asOf={pinned(vintage)}' in lens_page  # the download keeps the vintage
