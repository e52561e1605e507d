"""A national submission's life on ingest's store (mongomock): staged when
valid, failed with its errors and nothing staged when not; invisible while
embargoed, published at its date by the timer's function (once), listed in
the upcoming releases before without a figure; revised (R) and deleted (D)
with earlier values kept; scoped to its reporter; audited; and published
national figures beside the mirror check computed from the real KNOMAD, WDI
and bilateral-matrix files."""
import csv
import datetime as dt
import uuid

import mongomock
import pytest

from observatory.errors import Conflict, InvalidInput, SubmissionNotPublishable, UnknownSubmission
from services.ingest import national, national_reads
from services.ingest.importer import run_import
from services.ingest.store import IngestStore
from tests.ingest_files import FLOWS, WDI_INFLOWS
from tests.national_files import csv_with, rows, sdmx_csv, sdmx_ml, wdi_inflows_usd

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(days=2)
NRB = {"id": "nrb", "name": "Nepal Rastra Bank", "country": "NPL", "kind": "central_bank"}
BB = {"id": "bb", "name": "Bangladesh Bank", "country": "BGD", "kind": "central_bank"}


@pytest.fixture
def store():
    store = IngestStore(mongomock.MongoClient(tz_aware=True)[f"ingest_{uuid.uuid4().hex[:8]}"])
    store.ensure_indexes()
    national.register_reporter(store, NRB, "operator", now=NOW)
    national.register_reporter(store, BB, "operator", now=NOW)
    return store


def _submit(store, data, fmt="sdmx-csv-2.0", reporter="nrb"):
    """Receive a file, then run its validation job (as ingest's ``national.validate`` handler does); the
    receipt's answer with the status after validation."""
    received = national.submit(store, reporter, fmt, data, f"credential-of-{reporter}", now=NOW)
    if received["duplicate"]:
        return received
    assert received["status"] == "processing"
    return {**received, "status": national.process(store, received["id"])}


def _visible(store):
    return (national_reads.observations_page(store, country=["NPL"])["items"],
            national_reads.country_national(store, "NPL")["series"])


def test_registering_a_reporter_twice_is_one_and_other_details_are_a_conflict(store):
    assert national.register_reporter(store, NRB, "operator")["name"] == "Nepal Rastra Bank"
    with pytest.raises(Conflict):
        national.register_reporter(store, {**NRB, "country": "IND"}, "operator")
    with pytest.raises(InvalidInput):
        national.register_reporter(store, {**NRB, "id": "x", "country": "XYZ"}, "operator")
    assert [r["id"] for r in national.list_reporters(store)["items"]] == ["bb", "nrb"]


def test_a_refused_submission_keeps_its_errors_stages_nothing_and_cannot_be_published(store):
    bad = csv_with(sdmx_csv(rows("NPL", (2019, 2020))), 2, "REF_AREA", "BGD")
    answer = _submit(store, bad)
    assert answer["status"] == "failed"
    got = national.get_submission(store, answer["id"], "nrb")
    assert got["errors"] == [{"row": 2, "column": "REF_AREA",
                              "message": "BGD is not your institution's country (NPL)"}]
    assert store.national.staged(answer["id"]) is None
    with pytest.raises(SubmissionNotPublishable):
        national.publish(store, answer["id"], "nrb", "nrb", now=NOW)
    assert _visible(store) == ([], [])


def test_an_embargoed_submission_is_invisible_until_its_date_then_published_once(store):
    message = sdmx_ml(rows("NPL", (2019, 2020, 2021)))
    answer = _submit(store, message, "sdmx-ml-2.1")
    assert answer["status"] == "validated"
    assert _submit(store, message, "sdmx-ml-2.1")["duplicate"] is True
    held = national.publish(store, answer["id"], "nrb", "nrb", embargo_until=LATER, now=NOW)
    assert (held["status"], held["embargo_until"]) == ("embargoed", LATER.isoformat())
    assert held["log"][-1] == {"at": NOW.isoformat(), "by": "nrb", "action": "embargoed", "until": LATER.isoformat()}
    assert _visible(store) == ([], [])
    releases = national.upcoming_releases(store, now=NOW)["items"]
    assert [(r["submission_id"], r["release_at"], r["country"]) for r in releases] == [
        (answer["id"], LATER.isoformat(), "NPL")]
    assert not any(key in releases[0] for key in ("value", "observations", "series"))
    assert national.publish_due(store, now=LATER - dt.timedelta(seconds=1)) == []
    assert national.publish_due(store, now=LATER) == [answer["id"]]
    assert national.publish_due(store, now=LATER) == []
    observations, series = _visible(store)
    wdi = wdi_inflows_usd("NPL")
    assert {o["TIME_PERIOD"]: o["OBS_VALUE"] for o in observations} == pytest.approx(
        {str(y): wdi[y] / 1e6 for y in (2019, 2020, 2021)})
    assert len(series) == 3
    doc = store.national.submissions.find_one({"_id": answer["id"]})
    _, embargoed, published = doc["outbox"]  # the validation job first (the relay sends it)
    assert [e["type"] for e in doc["outbox"]] == ["national.validate", "national.embargoed", "national.published"]
    assert embargoed["data"]["release_at"] == published["data"]["embargo_until"] == LATER.isoformat()
    assert [entry["action"] for entry in doc["log"]] == ["submitted", "embargoed", "published"]
    assert doc["log"][-1]["by"] == "embargo"
    assert national.upcoming_releases(store, now=NOW)["items"] == []


def test_a_revision_replaces_and_deletes_keeping_the_earlier_values(store):
    first = _submit(store, sdmx_csv(rows("NPL", (2019, 2020))))
    national.publish(store, first["id"], "nrb", "nrb", now=NOW)
    revised_rows = rows("NPL", (2019,))
    revised_rows[0]["OBS_VALUE"] = round(revised_rows[0]["OBS_VALUE"] * 1.01, 6)
    revision = sdmx_csv(revised_rows + rows("NPL", (2020,)))
    revision = csv_with(csv_with(revision, 2, "ACTION", "R"), 3, "ACTION", "D")
    second = _submit(store, revision)
    assert second["status"] == "validated"
    answer = national.publish(store, second["id"], "nrb", "nrb", now=LATER)
    assert answer["log"][-1]["revised"] == 1 and answer["log"][-1]["deleted"] == 1
    observations, _ = _visible(store)
    assert [(o["TIME_PERIOD"], o["OBS_VALUE"]) for o in observations] == [("2019", revised_rows[0]["OBS_VALUE"])]
    history = {h["id"]: h for h in national_reads.observation_history(store, "NPL")}
    wdi = wdi_inflows_usd("NPL")
    assert [r["value"] for r in history["A.NPL.WLD._T.INFLOW@2019"]["revisions"]] == [pytest.approx(wdi[2019] / 1e6)]
    assert history["A.NPL.WLD._T.INFLOW@2020"]["deleted"] == second["id"]
    again = national.publish(store, second["id"], "nrb", "nrb", now=LATER)
    assert again["log"] == answer["log"]


def test_a_reporter_sees_and_publishes_only_its_own_submissions(store):
    mine = _submit(store, sdmx_csv(rows("NPL", (2019,))))
    theirs = _submit(store, sdmx_csv(rows("BGD", (2019,))), reporter="bb")
    assert theirs["status"] == "validated"
    with pytest.raises(UnknownSubmission):
        national.get_submission(store, theirs["id"], "nrb")
    with pytest.raises(UnknownSubmission):
        national.publish(store, theirs["id"], "nrb", "nrb", now=NOW)
    assert [s["id"] for s in national.list_submissions(store, "nrb")["items"]] == [mine["id"]]
    assert {s["id"] for s in national.list_submissions(store)["items"]} == {mine["id"], theirs["id"]}
    assert national.get_submission(store, theirs["id"])["status"] == "validated"


def _matrix_column_total(path, receiving_name):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        column = header.index(receiving_name)
        return sum(float(r[column]) for r in reader if r[0].strip() and r[column].strip() not in ("", "-"))


def _load(store, path, kind):
    dataset_id = uuid.uuid4().hex[:16]
    store.datasets.create({"_id": dataset_id, "sha256": uuid.uuid4().hex * 2, "kind": kind, "filename": path.name,
                           "status": "queued", "created_at": NOW, "outbox": [], "applied_events": []})
    assert run_import(store, dataset_id, lambda target: target.write(path.read_bytes())) == "completed"


def test_the_national_series_is_labelled_and_beside_the_mirror_check_of_the_real_files(store):
    _load(store, WDI_INFLOWS, "country-flows")
    _load(store, FLOWS / "knomad_remittance_inflows_2000_2022_jun2023.xlsx", "country-flows")
    matrix = FLOWS / "bilateral_remittance_matrix_2018_countries_only.csv"
    _load(store, matrix, "bilateral-matrix")
    answer = _submit(store, sdmx_csv(rows("NPL", (2018, 2019))))
    national.publish(store, answer["id"], "nrb", "nrb", now=NOW)
    block = national_reads.country_national(store, "NPL")
    assert block["label"] == "submitted by Nepal Rastra Bank"
    mirror = {row["year"]: row for row in block["mirror_check"]}
    wdi = wdi_inflows_usd("NPL")
    assert mirror[2018]["wdi_gap_pct"] == 0.0 and mirror[2018]["wdi_usd_millions"] == pytest.approx(wdi[2018] / 1e6)
    knomad = store.series.country_series(["NPL"])["NPL"]["knomad_inflows_usd_m"]["values"]
    assert mirror[2019]["knomad_gap_pct"] == round((wdi[2019] / 1e6 - knomad["2019"]) / knomad["2019"] * 100, 2)
    column_total = _matrix_column_total(matrix, "Nepal")
    assert mirror[2018]["matrix_usd_millions"] == pytest.approx(column_total, rel=1e-6)
    assert mirror[2018]["matrix_gap_pct"] == round((wdi[2018] / 1e6 - column_total) / column_total * 100, 2)
    assert mirror[2019]["matrix_usd_millions"] is None
    assert national_reads.country_national(store, "BGD")["series"] == []


def test_a_submission_is_received_processing_then_its_job_validates_it_once(store):
    data = sdmx_csv(rows("NPL", (2019, 2020)))
    received = national.submit(store, "nrb", "sdmx-csv-2.0", data, "credential-of-nrb", now=NOW)
    assert received == {"id": received["id"], "status": "processing", "duplicate": False}
    pending = national.get_submission(store, received["id"], "nrb")
    assert (pending["status"], pending["observations"], pending["errors"]) == ("processing", 0, [])
    [job] = store.national.submission(received["id"], {"outbox": 1})["outbox"]
    assert (job["type"], job["data"]) == ("national.validate", {"submission_id": received["id"]})
    with pytest.raises(SubmissionNotPublishable):  # not validated yet
        national.publish(store, received["id"], "nrb", "nrb", now=NOW)
    assert national.process(store, received["id"]) == "validated"
    assert store.national.raw(received["id"]) is None  # the bytes go once validated
    staged = store.national.staged(received["id"])
    assert national.process(store, received["id"]) == "validated"  # the job redelivered: nothing changes
    assert store.national.staged(received["id"]) == staged
    assert national.get_submission(store, received["id"], "nrb")["observations"] == 2


def test_a_validation_job_that_keeps_failing_leaves_the_submission_failed_not_processing(store):
    received = national.submit(store, "nrb", "sdmx-csv-2.0", sdmx_csv(rows("NPL", (2021,))), "nrb", now=NOW)
    national.give_up_processing(store, received["id"], "the submission could not be validated (Boom)")
    got = national.get_submission(store, received["id"], "nrb")
    assert (got["status"], got["failure"]) == ("failed", "the submission could not be validated (Boom)")
    assert national.process(store, received["id"]) == "failed"
