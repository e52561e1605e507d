"""The malformed-input corpus (issue: nothing lost). With the real RPW quotes
and the official and derived series published, each hostile file — every one made from a
real file — ends in its expected status with its reason, no published figure
moves, and reads and /health keep answering meanwhile. Then review: a file
that would drop a quote is held; publishing it and re-publishing the original
restores every figure exactly."""
import contextlib
import time

import eventlet
import pytest
import requests

from gateway.service import GatewayService
from observatory.contracts.datasets import DatasetSchema, PublishAnswerSchema, RejectAnswerSchema
from services.ingest.limits import MiB
from services.ingest.models import Publication, RawChunk
from services.catalog.service import CatalogService
from services.ingest.service import IngestService
from services.notify.service import NotifyService
from tests import hostile_files as hostile
from tests.conftest import wait_for
from tests.live import live_services
from tests.ingest_files import DATABANK, DERIVED, RPW_QUOTES

pytestmark = [pytest.mark.broker, pytest.mark.shared_platform]
ADMIN = "obs_corpus-admin-token-0123456789abcdefghijklmnopqrstu"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
UPLOAD_LIMIT = 16 * MiB
# Small limits keep the bombs small on disk; the real files are far below them.
LIMITS = {"max_decompressed_bytes": 64 * MiB, "max_shared_strings_bytes": 16 * MiB, "max_seconds": 60}
SETTLED = ("completed", "failed", "needs_review", "rejected")
WATCHED = [("ARE", "NPL", "2014Q1"), ("ARE", "NPL", None), ("USA", "SLV", "2013Q1"), ("GBR", "NGA", None),
           ("USA", "MEX", "2012Q3")]


def upload(base, data, kind, filename="file"):
    return requests.post(f"{base}/api/v1/datasets", params={"kind": kind}, data=data, timeout=120,
                         headers={**AUTH, "X-Filename": filename})


def settle(base, dataset_id):
    def done():
        body = requests.get(f"{base}/api/v1/datasets/{dataset_id}", headers=AUTH, timeout=30).json()
        return body if body.get("status") in SETTLED else None
    return wait_for(done, timeout=120, interval=0.3, what=f"dataset {dataset_id}")


def published_figures(base):
    """What a user reads: every period's indicators and a few corridors with their quotes."""
    periods = requests.get(f"{base}/api/v1/indicators", timeout=30).json()["available_periods"]
    # the figures, not which release they belong to (a valid file re-published makes a release of the same figures)
    figures = {p: {k: v for k, v in requests.get(f"{base}/api/v1/indicators", params={"period": p}, timeout=30)
                   .json().items() if k not in ("vintage", "permalink")} for p in periods}
    for source, destination, period in WATCHED:
        body = requests.get(f"{base}/api/v1/corridors/{source}/{destination}", timeout=30,
                            params={"period": period} if period else None).json()
        figures[f"{source}-{destination}" + (f"@{period}" if period else "")] = {
            "period": body["period"], "average": body["average_total_cost_pct"], "smart": body["smart_average_pct"],
            "quotes": sorted((q["provider"], q["product"], q["total_cost_pct"]) for q in body["quotes"])}
        history = requests.get(f"{base}/api/v1/corridors/{source}/{destination}/history", timeout=30).json()
        figures[f"{source}-{destination}/history"] = [
            (i["period"], i["average_total_cost_pct"], i["official_average_pct"]) for i in history["items"]]
    return figures


@contextlib.contextmanager
def reads_watched(base):
    """Poll a corridor and /health throughout; record every answer."""
    answers, stop = [], []

    def poll():
        while not stop:
            for path in ("/api/v1/corridors/ARE/NPL", "/health"):
                started = time.monotonic()
                try:
                    status = requests.get(base + path, timeout=2).status_code
                except requests.RequestException as exc:
                    status = type(exc).__name__
                answers.append((path, status, time.monotonic() - started))
            eventlet.sleep(0.2)

    poller = eventlet.spawn(poll)
    try:
        yield answers
    finally:
        stop.append(True)
        poller.wait()


@pytest.fixture(scope="module")
def platform(vhost_pipeline):
    services = (GatewayService, IngestService, CatalogService, NotifyService)
    with live_services(vhost_pipeline, services, ADMIN, MAX_UPLOAD_BYTES=UPLOAD_LIMIT, IMPORT_LIMITS=LIMITS) as base:
        quotes = settle(base, upload(base, RPW_QUOTES.read_bytes(), "rpw-quotes", RPW_QUOTES.name).json()["id"])
        # its ~2,000 corridor events go out (with confirms) before the next upload queues its own command
        wait_for(lambda: not Publication._get_collection().find_one({"_id": "observed"})["outbox"], timeout=300,
                 interval=1, what="the quotes' events published")
        official = settle(base, upload(base, DATABANK.read_bytes(), "rpw-corridor-averages").json()["id"])
        derived = settle(base, upload(base, DERIVED.read_bytes(), "rpw-corridor-means").json()["id"])
        assert quotes["status"] == official["status"] == derived["status"] == "completed"
        yield {"base": base, "quotes": quotes, "before": published_figures(base)}


CORPUS = [
    # (name, kind, make the bytes, final status, words of the reason)
    ("binary garbage", "rpw-quotes", hostile.binary_garbage, "failed", "neither UTF-8 nor Windows-1252"),
    ("a real file of the wrong kind", "rpw-quotes", hostile.WDI_INFLOWS.read_bytes, "failed", "no RPW quote header"),
    ("a million-column line", "rpw-quotes", hostile.million_column_line, "failed", "max_columns"),
    ("XLSX declaring A1:XFD1048576", "rpw-quotes", hostile.declared_dimension_bomb, "failed", "max_columns"),
    ("XLSX with a 40 MB string table", "rpw-quotes", hostile.shared_strings_bomb, "failed",
     "max_shared_strings_bytes"),
    ("XLSX zip bomb", "rpw-quotes", hostile.zip_bomb, "failed", "max_decompressed_bytes"),
    ("truncated XLSX", "rpw-quotes", hostile.truncated_workbook, "failed", "truncated or corrupt"),
    ("XLSX with a corrupt deflate stream", "rpw-quotes", hostile.corrupt_deflate_stream, "failed",
     "truncated or corrupt"),
    ("XLSX with broken sheet XML", "rpw-quotes", hostile.broken_sheet_xml, "failed", "truncated or corrupt"),
    ("the real CSV cut in half mid-row", "rpw-quotes", hostile.cut_in_half_mid_row, "needs_review", None),
    ("the real CSV in UTF-16", "rpw-quotes", hostile.utf16, "completed", None),
    ("the real CSV in Latin-1", "rpw-quotes", hostile.latin1, "completed", None),
    ("WDI CSV whose last line has two cells", "country-flows", hostile.wdi_with_a_two_cell_last_line, "completed",
     None),
]


def test_every_malformed_file_settles_with_its_reason_and_no_published_figure_moves(platform):
    base, outcomes = platform["base"], {}
    with reads_watched(base) as answers:
        for name, kind, make, expected, reason in CORPUS:
            response = upload(base, make(), kind, name)
            assert response.status_code == 202, (name, response.text)
            dataset = settle(base, response.json()["id"])
            outcomes[name] = dataset
            assert dataset["status"] == expected, (name, dataset.get("failure"), dataset.get("review"))
            if reason:
                assert reason in dataset["failure"], (name, dataset["failure"])
            assert published_figures(base) == platform["before"], name
    slow_or_failed = [a for a in answers if a[1] != 200]
    assert answers and not slow_or_failed, slow_or_failed[:5]  # every read answered within its 2 s timeout
    cut = outcomes["the real CSV cut in half mid-row"]["review"]
    assert cut["needs_review"] and cut["quotes_lost"] >= 1 and cut["losses"][0]["quotes_after"] < \
        cut["losses"][0]["quotes_before"]
    for name in ("the real CSV in UTF-16", "the real CSV in Latin-1"):
        dataset = outcomes[name]
        assert dataset["rows_accepted"] == 25_516 and dataset["summary"]["corridors_changed"] == 0, name
    wdi = outcomes["WDI CSV whose last line has two cells"]
    assert wdi["rows_rejected"] == 1 and "2 cells" in wdi["errors"][0]["message"]


def test_an_empty_upload_is_refused_and_a_refused_upload_leaves_no_chunks(platform):
    base = platform["base"]
    empty = upload(base, b"", "rpw-quotes")
    assert empty.status_code == 400 and "empty" in empty.json()["message"]
    too_big = RPW_QUOTES.read_bytes() * 3  # 21 MB, over the 16 MiB limit of this platform
    streamed = requests.post(f"{base}/api/v1/datasets", params={"kind": "rpw-quotes"}, headers=AUTH, timeout=60,
                             data=(too_big[i:i + 2 ** 20] for i in range(0, len(too_big), 2 ** 20)))
    assert streamed.status_code == 413 and streamed.json()["error"] == "PAYLOAD_TOO_LARGE"
    # the in-process store is shared with this test process: look at what ingest keeps
    assert RawChunk._get_collection().count_documents({"dataset_id": None}) == 0


def test_one_corrupted_row_is_held_then_publishing_and_republishing_restore_figures_exactly(platform):
    base, before = platform["base"], platform["before"]
    data, (firm, product) = hostile.with_one_corrupted_row()
    held = settle(base, upload(base, data, "rpw-quotes", "one-bad-row.csv").json()["id"])
    assert held["status"] == "needs_review" and held["rows_rejected"] == 1
    assert DatasetSchema().validate(held) == {}
    loss = held["review"]["losses"]
    assert [(l["period"], l["source"], l["destination"]) for l in loss] == [("2014Q1", "ARE", "NPL")]
    assert {"firm": firm, "product": product} in [{k: q[k] for k in ("firm", "product")} for q in loss[0]["lost"]]
    assert published_figures(base) == before  # held: nothing moved

    published = requests.post(f"{base}/api/v1/datasets/{held['id']}/publish", headers=AUTH, timeout=60)
    assert published.status_code == 200, published.text
    assert PublishAnswerSchema().validate(published.json()) == {}
    after = published_figures(base)
    assert after["ARE-NPL@2014Q1"]["average"] != before["ARE-NPL@2014Q1"]["average"]
    assert (firm, product) not in [q[:2] for q in after["ARE-NPL@2014Q1"]["quotes"]]
    assert requests.post(f"{base}/api/v1/datasets/{held['id']}/reject", headers=AUTH, timeout=30).status_code == 409

    restored = requests.post(f"{base}/api/v1/datasets/{platform['quotes']['id']}/publish", headers=AUTH, timeout=60)
    assert restored.status_code == 200 and restored.json()["republished"] is True
    assert published_figures(base) == before


def test_a_held_dataset_can_be_rejected_and_changes_nothing(platform):
    base = platform["base"]
    header_and_some = b"\n".join(RPW_QUOTES.read_bytes().split(b"\n")[:200]) + b"\n"
    held = settle(base, upload(base, header_and_some, "rpw-quotes", "first-rows.csv").json()["id"])
    assert held["status"] == "needs_review"
    rejected = requests.post(f"{base}/api/v1/datasets/{held['id']}/reject", headers=AUTH, timeout=30)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert RejectAnswerSchema().validate(rejected.json()) == {}
    assert settle(base, held["id"])["status"] == "rejected"
    assert published_figures(base) == platform["before"]
    assert requests.post(f"{base}/api/v1/datasets/0123456789abcdef/publish", headers=AUTH,
                         timeout=30).status_code == 404
    assert requests.post(f"{base}/api/v1/datasets/{held['id']}/publish", timeout=30).status_code == 401


def test_the_databank_file_with_one_bad_cell_keeps_every_other_official_figure(platform):
    base = platform["base"]
    text = DATABANK.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.split(",")[1:2] == ["ARE"] and line.split(",")[5:6] == ["NPL"])
    cells = lines[target].split(",")
    number = next(i for i in range(len(cells) - 1, 3, -1) if cells[i].replace(".", "", 1).isdigit())
    cells[number] = "four"
    lines[target] = ",".join(cells)
    dataset = settle(base, upload(base, "\n".join(lines).encode("utf-8"), "rpw-corridor-averages").json()["id"])
    assert dataset["status"] == "completed" and dataset["rows_rejected"] == 1
    assert published_figures(base) == platform["before"]


# -- numbers: plausibility before publication ---------------------------------------------

NUMERIC = [
    # (name, kind, make → (bytes, line, column) or (bytes, line), what is expected: the rules held, or "refused")
    ("a quote costing -1e6 %", "rpw-quotes", lambda: hostile.quotes_with_one_total_cost("-1e6"),
     {"bounds", "period_change", "history"}),
    ("a quote costing 1e300 %", "rpw-quotes", lambda: hostile.quotes_with_one_total_cost("1e300"),
     {"bounds", "period_change", "history"}),
    ("the same quote row twice", "rpw-quotes", hostile.quotes_with_one_row_twice, {"duplicate"}),
    ("a DataBank cell inf", "rpw-corridor-averages", lambda: hostile.databank_with_one_cell("inf"), "refused"),
    ("a DataBank cell -1e12", "rpw-corridor-averages", lambda: hostile.databank_with_one_cell("-1e12"),
     {"bounds", "history"}),
    ("a derived mean inf", "rpw-corridor-means", lambda: hostile.derived_with_one_cell("inf"), "refused"),
    ("a WDI cell inf", "country-flows", lambda: hostile.wdi_with_one_cell("inf"), "refused"),
    ("a WDI cell -1e12", "country-flows", lambda: hostile.wdi_with_one_cell("-1e12"), {"bounds"}),
]


def reads_text(base):
    """Every answer, export and page a user reads about the watched corridors and the country."""
    paths = ["/api/v1/corridors/ARE/NPL", "/api/v1/corridors/ARE/NPL/history", "/api/v1/indicators",
             "/api/v1/countries/NPL", "/api/v1/exports/corridors.csv", "/api/v1/exports/indicators.csv",
             "/corridors/ARE/NPL", "/countries/NPL"]
    return {path: requests.get(base + path, timeout=30) for path in paths}


def test_implausible_numbers_are_held_with_their_suspects_listed_and_non_finite_ones_refused(platform):
    base, before = platform["base"], platform["before"]
    for name, kind, make, expected in NUMERIC:
        data, line, *_ = make()
        dataset = settle(base, upload(base, data, kind, name).json()["id"])
        assert DatasetSchema().validate(dataset) == {}, name
        if expected == "refused":
            assert dataset["status"] == "completed" and dataset["rows_rejected"] == 1, (name, dataset["status"])
            [error] = dataset["errors"]
            assert error["row"] == line and "not a finite number" in error["message"], (name, error)
        else:
            assert dataset["status"] == "needs_review", (name, dataset["status"])
            suspects = dataset["review"]["suspects"]
            assert {s["rule"] for s in suspects} == expected, (name, suspects)
            assert line in [s["row"] for s in suspects], (name, suspects)
            assert all("usual_range" in s and "field" in s for s in suspects), name
        assert published_figures(base) == before, name
    for path, answer in reads_text(base).items():
        assert answer.status_code == 200 and not any(word in answer.text for word in ("Infinity", "NaN")), path


def test_a_held_quotes_file_published_after_review_shows_its_figure_and_the_original_restores_it(platform):
    base, before = platform["base"], platform["before"]
    data, line, original = hostile.quotes_with_one_total_cost("-1e6")
    held = settle(base, upload(base, data, "rpw-quotes", "minus-a-million.csv").json()["id"])
    assert held["status"] == "needs_review"
    published = requests.post(f"{base}/api/v1/datasets/{held['id']}/publish", headers=AUTH, timeout=60)
    assert published.status_code == 200, published.text
    after = published_figures(base)
    assert after["ARE-NPL@2014Q1"]["average"] < -1000  # the operator published it: it is shown as it is
    restored = requests.post(f"{base}/api/v1/datasets/{platform['quotes']['id']}/publish", headers=AUTH, timeout=60)
    assert restored.status_code == 200 and published_figures(base) == before


def test_a_held_flows_file_is_written_only_when_the_operator_publishes_it(platform):
    base = platform["base"]
    data, line, year = hostile.wdi_with_one_cell("-1e12")
    held = settle(base, upload(base, data, "country-flows", "wdi-one-cell.csv").json()["id"])
    assert held["status"] == "needs_review"
    real = requests.get(f"{base}/api/v1/countries/NPL", timeout=30).json()["series"]["wdi_inflows_usd_m"]
    assert real["values"][year] > 0  # held: NPL shows the real WDI value (published by an earlier corpus file)
    published = requests.post(f"{base}/api/v1/datasets/{held['id']}/publish", headers=AUTH, timeout=60)
    assert published.status_code == 200 and PublishAnswerSchema().validate(published.json()) == {}, published.text
    assert settle(base, held["id"])["status"] == "completed"
    def from_the_held_file():
        series = requests.get(f"{base}/api/v1/countries/NPL", timeout=30).json()["series"]["wdi_inflows_usd_m"]
        return series if series["dataset_id"] == held["id"] else None

    shown = wait_for(from_the_held_file, timeout=30, interval=0.5, what="the published WDI series")
    assert shown["values"][year] == -1e6  # USD -1e12 in USD millions, as the operator chose to publish it
    again = requests.post(f"{base}/api/v1/datasets/{held['id']}/publish", headers=AUTH, timeout=30)
    assert again.status_code == 409  # a flows dataset, once written, is not re-published


def test_a_held_matrix_changes_no_weighted_average_until_it_is_published(platform):
    """Last in the module: it publishes the 2012 weights (2014 quarters' weighted averages then exist)."""
    base = platform["base"]
    matrix = hostile.FLOWS / "bilateral_remittance_matrix_2012.xlsx"
    real = settle(base, upload(base, matrix.read_bytes(), "bilateral-matrix", matrix.name).json()["id"])
    assert real["status"] == "completed"
    weighted = requests.get(f"{base}/api/v1/indicators", params={"period": "2014Q1"}, timeout=30).json()
    assert round(weighted["global_weighted_average_pct"], 2) == 5.91  # RPW's published figure
    data, row, _ = hostile.matrix_xlsx_with_one_cell(-1e12)
    held = settle(base, upload(base, data, "bilateral-matrix", "matrix-2012-one-cell.xlsx").json()["id"])
    assert held["status"] == "needs_review"
    [bound] = held["review"]["suspects"]
    assert (bound["row"], bound["value"], bound["rule"]) == (row, -1e12, "bounds")
    figures = published_figures(base)
    assert requests.get(f"{base}/api/v1/indicators", params={"period": "2014Q1"}, timeout=30).json() == weighted
    rejected = requests.post(f"{base}/api/v1/datasets/{held['id']}/reject", headers=AUTH, timeout=30)
    assert rejected.status_code == 200 and published_figures(base) == figures
