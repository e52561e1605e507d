"""Ingest's store (``services.ingest.store``) against mongomock, with the
real files: one holder per import claim, one dataset per checksum, lists
paged by cursor without gaps or repeats, and a staged corridor-period read
the same from either of its homes."""
import datetime as dt
import hashlib
import uuid

import mongomock
import pytest

from observatory.errors import InvalidInput
from services.ingest import publication, queries
from services.ingest.importer import run_import
from services.ingest.store import IngestStore
from tests.ingest_files import DATABANK, DERIVED, FLOWS, RPW_QUOTES, WDI_INFLOWS, quarter_of_quotes

NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.timezone.utc)
REAL_FILES = [RPW_QUOTES, DATABANK, DERIVED, WDI_INFLOWS, *sorted(FLOWS.glob("bilateral_remittance_matrix_*"))]
KINDS = {RPW_QUOTES: "rpw-quotes", DATABANK: "rpw-corridor-averages", DERIVED: "rpw-corridor-means",
         WDI_INFLOWS: "country-flows"}


@pytest.fixture
def store():
    store = IngestStore(mongomock.MongoClient(tz_aware=True)[f"ingest_{uuid.uuid4().hex[:8]}"])
    store.ensure_indexes()
    return store


def new_dataset(path, created_at, kind=None, status="queued"):
    return {"_id": uuid.uuid4().hex[:16], "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "kind": kind or KINDS.get(path, "bilateral-matrix"), "filename": path.name, "status": status,
            "created_at": created_at, "outbox": [], "applied_events": []}


def test_an_import_has_one_holder_and_a_lapsed_claim_is_taken_over(store):
    dataset = new_dataset(RPW_QUOTES, NOW)
    assert store.datasets.create(dataset)
    lapsed = NOW - dt.timedelta(seconds=60)
    assert store.datasets.claim_import(dataset["_id"], "first", lapsed, NOW)["claimed_by"] == "first"
    assert store.datasets.claim_import(dataset["_id"], "second", lapsed, NOW) is None  # its heartbeat is fresh
    store.datasets.save_progress(dataset["_id"], "second", {"rows_total": 99}, NOW)  # not its claim: ignored
    assert store.datasets.dataset(dataset["_id"]).get("rows_total") is None
    later = NOW + dt.timedelta(seconds=61)
    taken = store.datasets.claim_import(dataset["_id"], "second", later - dt.timedelta(seconds=60), later)
    assert taken["claimed_by"] == "second" and taken["status"] == "processing"


def test_the_same_bytes_are_one_dataset(store):
    assert store.datasets.create(new_dataset(DATABANK, NOW))
    assert store.datasets.create(new_dataset(DATABANK, NOW)) is False  # the unique checksum index refuses it
    assert store.datasets.with_checksum(hashlib.sha256(DATABANK.read_bytes()).hexdigest())["kind"] == \
        "rpw-corridor-averages"


def test_datasets_page_newest_first_by_cursor_without_gaps_or_repeats(store):
    created = [new_dataset(path, NOW - dt.timedelta(minutes=n // 2)) for n, path in enumerate(REAL_FILES)]
    for dataset in created:  # two by two at the same instant: the id breaks the tie
        store.datasets.create(dataset)
    expected = [d["_id"] for d in sorted(created, key=lambda d: (d["created_at"], d["_id"]), reverse=True)]
    seen, cursor = [], None
    while True:
        page = queries.list_datasets(store, cursor=cursor, limit=3)
        assert page["total"] == len(REAL_FILES) and len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    matrices = queries.list_datasets(store, kind="bilateral-matrix", limit=50)
    assert matrices["total"] == len(matrices["items"]) == 10 and matrices["next_cursor"] is None
    with pytest.raises(InvalidInput):
        queries.list_datasets(store, cursor=page["items"][0]["id"])  # an id is not a cursor


def test_corridors_page_by_cursor_in_corridor_order(store):
    data = quarter_of_quotes("2014_1Q")
    dataset = new_dataset(RPW_QUOTES, NOW)
    store.datasets.create({**dataset, "sha256": hashlib.sha256(data).hexdigest()})
    assert run_import(store, dataset["_id"], lambda target: target.write(data)) == "completed"
    whole = queries.list_corridors(store, "2014Q1", limit=1000)
    assert whole["next_cursor"] is None and whole["total"] == len(whole["items"]) > 100
    seen, cursor = [], None
    while True:
        page = queries.list_corridors(store, "2014Q1", cursor=cursor, limit=40)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole["items"]
    keys = [(c["source"], c["destination"]) for c in seen]
    assert keys == sorted(set(keys))
    to_nepal = queries.list_corridors(store, "2014Q1", destination="NPL", limit=1)
    assert to_nepal["total"] == sum(1 for _, d in keys if d == "NPL") and len(to_nepal["items"]) == 1


def test_a_staged_corridor_period_reads_the_same_from_either_home_and_a_stale_switch_changes_nothing(store):
    data = quarter_of_quotes("2011_1Q")
    dataset = {**new_dataset(RPW_QUOTES, NOW), "sha256": hashlib.sha256(data).hexdigest()}
    store.datasets.create(dataset)
    run_import(store, dataset["_id"], lambda target: target.write(data))
    key = "2011Q1:ARE:EGY"
    staged = store.publication.staged_doc(dataset["_id"], key)
    assert staged["quotes"] and staged["quote_fields"][0] == "firm"
    stored = store.publication.staged.find_one({"_id": staged["_id"]})
    assert "packed" in stored and "rows" not in stored and "quotes" not in stored  # the rows are kept packed only
    archive = store.publication.archive(dataset["_id"])
    assert store.publication.write_archive(dataset["_id"], archive, {key: staged["quotes"]}, staged["quote_fields"])
    store.publication.delete_staged([staged["_id"]], pause=lambda: None)
    archived = store.publication.staged_doc(dataset["_id"], key)
    assert {k: archived[k] for k in ("quotes", "quote_fields", "period", "source", "destination")} == \
        {k: staged[k] for k in ("quotes", "quote_fields", "period", "source", "destination")}
    assert store.publication.datasets_staged_for("2011Q1", "ARE", "EGY") == {dataset["_id"]}

    current = store.publication.current()
    assert not store.publication.switch(current["version"] - 1, {"2011Q1": "2011Q1@stale"}, {}, [], "late", NOW)
    assert store.publication.current()["periods"] == current["periods"]
    assert publication.published_periods(store) == ["2011Q1"]
