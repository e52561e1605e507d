"""Pruning staged quotes (``services.ingest.pruning``) on real quarters of the
RPW file: what is not in force is archived, re-publication stays exact,
settled files and firms are compressed, and what nothing can read is deleted."""
import base64
import datetime as dt
import hashlib
import uuid

import bson
import pytest

from observatory.clock import utcnow
from observatory.mongo import connect_store
from services.ingest import operator_review, publication, pruning, queries, uploads
from services.ingest.importer import run_import
from services.ingest.models import Dataset, PeriodState, RawChunk, StagedArchive, StagedCorridorPeriod
from services.ingest.packing import unpack
from services.ingest.store import STORE_ALIAS, IngestStore
from tests.ingest_files import as_csv, real_rows


@pytest.fixture(autouse=True)
def store():
    connect_store(STORE_ALIAS, f"ingest_{uuid.uuid4().hex[:8]}")
    store = IngestStore.connected()
    store.ensure_indexes()
    return store


@pytest.fixture(scope="module")
def quarter():
    """The real rows of 2011Q1 (header, rows)."""
    header, rows = real_rows()
    return header, [r for r in rows if r[header.index("period")] == "2011_1Q"]


def import_bytes(store, data):
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind="rpw-quotes", created_at=utcnow()).save()
    return run_import(store, dataset_id, lambda target: target.write(data)), dataset_id


def staged(dataset_id):
    return list(StagedCorridorPeriod._get_collection().find({"dataset_id": dataset_id}))


def reads(store, corridors):
    """What a user reads of these corridors in 2011Q1 (quotes, figures, provenance; not which release it is)."""
    return {c: {k: v for k, v in queries.corridor(store, *c, "2011Q1").items()
                if k not in ("other_datasets", "vintage")} for c in corridors}


def busiest_corridors(header, rows, n=5):
    counts = {}
    for r in rows:
        key = (r[header.index("source")], r[header.index("destination")])
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])[:n]


def archive(dataset_id):
    return StagedArchive._get_collection().find_one({"_id": dataset_id})


def test_a_replaced_dataset_is_archived_and_publishing_it_again_restores_its_reads_exactly(store, quarter):
    header, rows = quarter
    corridors = busiest_corridors(header, rows)
    status, first = import_bytes(store, as_csv(header, rows))
    assert status == "completed"
    before = reads(store, corridors)
    keys = sorted(d["_id"].split("/")[1] for d in staged(first))
    revised = [list(r) for r in rows]
    cost = header.index("cc1.total.cost..")
    for row in revised:  # the whole quarter re-surveyed at +1 pp: a correction, published by itself
        row[cost] = str(float(row[cost]) + 1)
    status, second = import_bytes(store, as_csv(header, revised))
    assert status == "completed"
    assert reads(store, corridors) != before

    counts = pruning.prune(store)
    assert counts["archived"] == len(keys) > 100  # every corridor-period of the first, none of the second
    assert not staged(first) and archive(first)["keys"] == keys
    assert len(staged(second)) == len(keys)
    rows_size = len(bson.encode({"rows": unpack(archive(first)["packed"])}))
    assert len(archive(first)["packed"]) < rows_size / 5  # what is kept of a replaced dataset is a fraction

    # still where a user can see it: the corridor lists it among the other datasets
    assert queries.corridor(store, *corridors[0], "2011Q1")["other_datasets"] == [first]
    answer = operator_review.publish_dataset(store, first)  # "any earlier dataset can be re-published"
    assert answer["republished"] is True
    assert reads(store, corridors) == before  # exactly: every quote, figure and provenance, read from the archive
    counts = pruning.prune(store)
    assert counts["restored"] == len(keys) and counts["archived"] == len(keys)  # first back out, second in
    assert archive(first) is None and not staged(second) and archive(second)["keys"] == keys
    assert reads(store, corridors) == before
    assert not any(pruning.prune(store).values())  # settled: nothing more to do


def test_a_rejected_dataset_is_archived_and_can_still_be_published_exactly(store, quarter):
    header, rows = quarter
    corridors = busiest_corridors(header, rows, 1)
    import_bytes(store, as_csv(header, rows))
    drop = next(i for i, r in enumerate(rows) if (r[header.index("source")], r[header.index("destination")])
                == corridors[0])
    status, truncated = import_bytes(store, as_csv(header, rows[:drop] + rows[drop + 1:]))
    assert status == "needs_review"
    review_before = Dataset.objects.get(id=truncated).review
    pruning.prune(store)
    assert staged(truncated) and archive(truncated) is None  # under review: left as staged
    operator_review.reject_dataset(store, truncated)
    pruning.prune(store)
    assert not staged(truncated) and archive(truncated)
    assert Dataset.objects.get(id=truncated).review["losses"] == review_before["losses"]

    operator_review.publish_dataset(store, truncated)  # the operator changes their mind
    corridor = queries.corridor(store, *corridors[0], "2011Q1")
    assert corridor["dataset_id"] == truncated
    assert len(corridor["quotes"]) == sum(1 for r in rows if (r[header.index("source")], r[header.index("destination")])
                                          == corridors[0]) - 1


def test_a_settled_datasets_file_and_firms_are_compressed_and_read_back_exactly(store, quarter):
    header, rows = quarter
    data = as_csv(header, rows)
    upload_id = uuid.uuid4().hex
    parts = [data[i:i + uploads.CHUNK_BYTES] for i in range(0, len(data), uploads.CHUNK_BYTES)]
    for index, part in enumerate(parts):
        uploads.put_chunk(store, upload_id, index, base64.b64encode(part).decode())
    dataset_id = uploads.finish_upload(store, upload_id, "rpw-quotes", len(parts), len(data),
                                       hashlib.sha256(data).hexdigest())["id"]
    assert run_import(store, dataset_id, lambda target: uploads.copy_raw(store, dataset_id, target)) == "completed"
    firms = queries.observed_firms(store, dataset_id)
    assert pruning.prune(store)["chunks_compressed"] == len(parts)
    stored = RawChunk._get_collection().find({"dataset_id": dataset_id})
    assert sum(len(c["data"]) for c in stored) < len(data) / 4
    assert Dataset._get_collection().find_one({"_id": dataset_id}).get("firms") is None
    assert queries.observed_firms(store, dataset_id) == firms and len(firms["firms"]) > 100
    downloaded = b"".join(base64.b64decode(uploads.raw_part(store, dataset_id, i)["data"]) for i in range(len(parts)))
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(data).hexdigest()


def test_the_staged_quotes_of_a_failed_dataset_and_unreferenced_period_states_are_deleted(store, quarter, monkeypatch):
    header, rows = quarter
    _, kept = import_bytes(store, as_csv(header, rows[:1000]))

    def crash(*args, **kwargs):
        raise RuntimeError("the process died while publishing")

    monkeypatch.setattr(publication, "publish", crash)
    status, failed = import_bytes(store, as_csv(header, rows[1000:]))
    monkeypatch.undo()
    assert status == "failed" and staged(failed)  # staged before it failed: nothing can publish it now
    failed_staged = len(staged(failed))
    states = PeriodState._get_collection()
    in_force = store.publication.current()["periods"]["2011Q1"]
    orphan = {**states.find_one({"_id": in_force}), "_id": "2011Q1@crashedflip",
              "created_at": utcnow() - dt.timedelta(hours=1)}  # what a flip that crashed leaves
    young = {**orphan, "_id": "2011Q1@flipunderway", "created_at": utcnow()}
    states.insert_many([orphan, young])
    before = reads(store, busiest_corridors(header, rows[:1000], 3))

    counts = pruning.prune(store)
    assert counts["deleted"] == failed_staged and not staged(failed)
    assert counts["states_deleted"] == 1
    assert {s["_id"] for s in states.find({}, {"_id": 1})} == {in_force, "2011Q1@flipunderway"}
    assert staged(kept) and reads(store, busiest_corridors(header, rows[:1000], 3)) == before
