"""Pruning staged quotes (``services.ingest.pruning``) on real quarters of the
RPW file: what is not in force is packed, re-publication stays exact, and
what nothing can read is deleted."""
import datetime as dt
import hashlib
import uuid

import pytest

from observatory.mongo import connect_store
from services.ingest import publication, pruning, queries, review
from services.ingest.importer import run_import
from services.ingest.models import STORE_ALIAS, Dataset, PeriodState, StagedCorridorPeriod
from services.ingest.store import utcnow
from tests.ingest_files import as_csv, real_rows


@pytest.fixture(autouse=True)
def store():
    connect_store(STORE_ALIAS, f"ingest_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def quarter():
    """The real rows of 2011Q1 (header, rows)."""
    header, rows = real_rows()
    return header, [r for r in rows if r[header.index("period")] == "2011_1Q"]


def import_bytes(data):
    dataset_id = uuid.uuid4().hex[:16]
    Dataset(id=dataset_id, sha256=hashlib.sha256(data).hexdigest(), kind="rpw-quotes", created_at=utcnow()).save()
    return run_import(dataset_id, lambda target: target.write(data)), dataset_id


def staged(dataset_id):
    return list(StagedCorridorPeriod._get_collection().find({"dataset_id": dataset_id}))


def reads(corridors):
    """What a user reads of these corridors in 2011Q1 (quotes, figures, provenance)."""
    return {c: {k: v for k, v in queries.corridor(*c, "2011Q1").items() if k != "other_datasets"} for c in corridors}


def busiest_corridors(header, rows, n=5):
    counts = {}
    for r in rows:
        key = (r[header.index("source")], r[header.index("destination")])
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])[:n]


def test_a_replaced_dataset_is_packed_and_publishing_it_again_restores_its_reads_exactly(quarter):
    header, rows = quarter
    corridors = busiest_corridors(header, rows)
    status, first = import_bytes(as_csv(header, rows))
    assert status == "completed"
    before = reads(corridors)
    revised = [list(r) for r in rows]
    cost = header.index("cc1.total.cost..")
    for row in revised:  # the whole quarter re-surveyed at +1 pp: a correction, published by itself
        row[cost] = str(float(row[cost]) + 1)
    status, second = import_bytes(as_csv(header, revised))
    assert status == "completed"
    assert reads(corridors) != before

    counts = pruning.prune()
    assert counts["packed"] == len(staged(first)) > 100  # every corridor-period of the first, none of the second
    assert all("quotes" not in d and d["packed"] for d in staged(first))
    assert all(d.get("packed") is None and d["quotes"] for d in staged(second))
    packed = sum(len(d["packed"]) for d in staged(first))
    raw = sum(len(repr(d["quotes"])) for d in staged(second))
    assert packed < raw / 4  # what is kept of a replaced dataset is a fraction of it

    # still readable where a user can see it: the corridor lists it among the other datasets
    assert queries.corridor(*corridors[0], "2011Q1")["other_datasets"] == [first]
    answer = review.publish_dataset(first)  # "any earlier dataset can be re-published"
    assert answer["republished"] is True
    assert reads(corridors) == before  # exactly: every quote, figure and provenance, read from packed rows
    counts = pruning.prune()
    assert counts["unpacked"] == len(staged(first)) and counts["packed"] == len(staged(second))
    assert reads(corridors) == before
    assert pruning.prune() == {"packed": 0, "unpacked": 0, "deleted": 0, "states_deleted": 0}  # settled


def test_a_rejected_dataset_is_packed_and_can_still_be_published_exactly(quarter):
    header, rows = quarter
    corridors = busiest_corridors(header, rows, 1)
    import_bytes(as_csv(header, rows))
    drop = next(i for i, r in enumerate(rows) if (r[header.index("source")], r[header.index("destination")])
                == corridors[0])
    status, truncated = import_bytes(as_csv(header, rows[:drop] + rows[drop + 1:]))
    assert status == "needs_review"
    review_before = Dataset.objects.get(id=truncated).review
    pruning.prune()
    assert all(d.get("packed") is None for d in staged(truncated))  # under review: left as staged
    review.reject_dataset(truncated)
    pruning.prune()
    assert all("quotes" not in d and d["packed"] for d in staged(truncated))
    assert Dataset.objects.get(id=truncated).review["losses"] == review_before["losses"]

    review.publish_dataset(truncated)  # the operator changes their mind
    corridor = queries.corridor(*corridors[0], "2011Q1")
    assert corridor["dataset_id"] == truncated
    assert len(corridor["quotes"]) == sum(1 for r in rows if (r[header.index("source")], r[header.index("destination")])
                                          == corridors[0]) - 1


def test_the_staged_quotes_of_a_failed_dataset_and_unreferenced_period_states_are_deleted(quarter, monkeypatch):
    header, rows = quarter
    _, kept = import_bytes(as_csv(header, rows[:1000]))

    def crash(*args, **kwargs):
        raise RuntimeError("the process died while publishing")

    monkeypatch.setattr(publication, "publish", crash)
    status, failed = import_bytes(as_csv(header, rows[1000:]))
    monkeypatch.undo()
    assert status == "failed" and staged(failed)  # staged before it failed: nothing can publish it now
    failed_staged = len(staged(failed))
    states = PeriodState._get_collection()
    in_force = publication.current()["periods"]["2011Q1"]
    orphan = {**states.find_one({"_id": in_force}), "_id": "2011Q1@crashedflip",
              "created_at": utcnow() - dt.timedelta(hours=1)}  # what a flip that crashed leaves
    young = {**orphan, "_id": "2011Q1@flipunderway", "created_at": utcnow()}
    states.insert_many([orphan, young])
    before = reads(busiest_corridors(header, rows[:1000], 3))

    counts = pruning.prune()
    assert counts["deleted"] == failed_staged and not staged(failed)
    assert counts["states_deleted"] == 1
    assert {s["_id"] for s in states.find({}, {"_id": 1})} == {in_force, "2011Q1@flipunderway"}
    assert staged(kept) and reads(busiest_corridors(header, rows[:1000], 3)) == before
