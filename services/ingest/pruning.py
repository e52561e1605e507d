"""Keeping what ingest stores small, without losing what can still be read.

What reads staged corridor-periods:
- the corridor read, for the corridor-periods in force (the ``Publication``
  points at period states, which name each corridor's dataset);
- publishing a dataset again (``review.publish_dataset``): it reads the
  dataset's staged figures; its quotes are then the ones in force;
- the review of a new file, for the quotes it would remove;
- the corridor read's ``other_datasets``: the datasets staged for it.

So every dataset that can be published (completed, rejected, held for review)
keeps all its quotes. How they are kept:
- a corridor-period in force: a ``StagedCorridorPeriod`` with its rows packed
  (compressed JSON, which gives back floats, strings, booleans and nulls
  exactly); its figures are computed from the rows when read, as staging
  computed them (period states hold what lists and indicators need);
- a corridor-period of a published or rejected dataset that is not in force:
  moved into the dataset's one ``StagedArchive`` (all such rows in one
  compressed blob, the keys listed);
- the dataset's firms and raw file: compressed once it is settled.
A key moves between the two homes by writing the new one before deleting the
old, and readers look in both: a read never misses, whatever runs at once.
What nothing can read is deleted: the staged quotes of a failed dataset (it
cannot be published) and period states no publication points at.
"""
import datetime as dt
import json
import time
import zlib

from pymongo.errors import DuplicateKeyError

from observatory.clock import utcnow
from services.ingest.indicators import Quote, corridor_figures
from services.ingest.models import Dataset, PeriodState, Publication, RawChunk, StagedArchive, StagedCorridorPeriod
from services.ingest.store import corridor_key

SETTLED = ("completed", "rejected")  # nothing is staging or reviewing them now
UNPUBLISHABLE = ("failed",)
DELETE_BATCH = 50  # ids per $in: mongomock's costs (documents x listed ids)
ORPHAN_GRACE_SECONDS = 600  # a flip inserts its states before it switches to them: leave young ones alone


def pack(value):
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def quote_rows(doc):
    """The rows of a staged corridor-period (packed, or as older versions stored them)."""
    return doc["quotes"] if doc.get("packed") is None else unpack(doc["packed"])


def figures_of(rows):
    """A corridor-period's figures, computed as staging computes them (so not stored)."""
    return corridor_figures([Quote(*row) for row in rows])


def staged_figures(doc):
    return doc["figures"] if doc.get("figures") else figures_of(quote_rows(doc))


# -- reading either home ------------------------------------------------------------

def _archive(dataset_id):
    return StagedArchive._get_collection().find_one({"_id": dataset_id})


def staged_doc(dataset_id, key):
    """The staged corridor-period ``key`` ("2014Q1:ARE:EGY") of a dataset, as
    a document with ``quotes`` and ``figures``, from wherever it is kept; None if none."""
    doc = StagedCorridorPeriod._get_collection().find_one({"_id": f"{dataset_id}/{key}"})
    if doc is not None:
        rows = quote_rows(doc)
        return {**{k: v for k, v in doc.items() if k != "packed"}, "quotes": rows,
                "figures": doc.get("figures") or figures_of(rows)}
    archive = StagedArchive._get_collection().find_one({"_id": dataset_id, "keys": key})
    if archive is None:
        return None
    rows = unpack(archive["packed"])[key]
    period, source, destination = key.split(":")
    return {"_id": f"{dataset_id}/{key}", "dataset_id": dataset_id, "period": period, "source": source,
            "destination": destination, "quote_fields": archive["quote_fields"], "quotes": rows,
            "figures": figures_of(rows)}


def archived_figures(dataset_id):
    """{(period, source, destination): figures} of the dataset's archived corridor-periods."""
    archive = _archive(dataset_id)
    if archive is None:
        return {}
    return {tuple(key.split(":")): figures_of(rows) for key, rows in unpack(archive["packed"]).items()}


def datasets_staged_for(period, source, destination):
    key = corridor_key(period, source, destination)
    staged = StagedCorridorPeriod._get_collection().find({"period": period, "source": source,
                                                          "destination": destination}, {"dataset_id": 1})
    return {d["dataset_id"] for d in staged} | {
        d["_id"] for d in StagedArchive._get_collection().find({"keys": key}, {"_id": 1})}


def dataset_firms(doc):
    """A dataset's firms (``firms.observed``), packed or not."""
    return unpack(doc["firms_packed"]) if doc.get("firms_packed") is not None else (doc.get("firms") or [])


# -- pruning --------------------------------------------------------------------------

def in_force():
    """{staged id: dataset id} of the corridor-periods the publication points at now."""
    publication = Publication._get_collection().find_one({"_id": "observed"}, {"periods": 1}) or {}
    states = PeriodState._get_collection().find({"_id": {"$in": list((publication.get("periods") or {}).values())}},
                                                {"period": 1, "corridors": 1})
    ids = {}
    for state in states:
        for key, entry in state.get("corridors", {}).items():
            source, destination = key.split(":")
            ids[f"{entry['dataset_id']}/{corridor_key(state['period'], source, destination)}"] = entry["dataset_id"]
    return ids


def _write_archive(dataset_id, archive, rows_by_key, quote_fields):
    """Replace the archive's contents, if nobody changed it since it was read."""
    collection = StagedArchive._get_collection()
    fields = {"keys": sorted(rows_by_key), "packed": pack(rows_by_key), "quote_fields": quote_fields}
    if archive is None:
        try:
            collection.insert_one({"_id": dataset_id, "version": 1, **fields})
            return True
        except DuplicateKeyError:
            return False
    return collection.update_one({"_id": dataset_id, "version": archive["version"]},
                                 {"$set": {**fields, "version": archive["version"] + 1}}).modified_count == 1


def archive_out_of_force(dataset_id, force, pause):
    """Move the dataset's corridor-periods not in force into its archive."""
    staged = StagedCorridorPeriod._get_collection()
    # one equality scan, filtered here: mongomock's $in costs (documents x listed ids)
    ids = [d["_id"] for d in staged.find({"dataset_id": dataset_id}, {"_id": 1})]
    if all(i in force for i in ids):
        return 0
    pause()
    docs = [d for d in staged.find({"dataset_id": dataset_id}, {"figures": 0}) if d["_id"] not in force]
    archive = _archive(dataset_id)
    rows_by_key = unpack(archive["packed"]) if archive else {}
    for doc in docs:
        rows_by_key[corridor_key(doc["period"], doc["source"], doc["destination"])] = quote_rows(doc)
    if not _write_archive(dataset_id, archive, rows_by_key, docs[0]["quote_fields"]):
        return 0  # another pruner wrote it meanwhile: next time
    gone = [d["_id"] for d in docs]
    for start in range(0, len(gone), DELETE_BATCH):  # now kept in the archive
        pause()
        staged.delete_many({"_id": {"$in": gone[start:start + DELETE_BATCH]}})
    return len(docs)


def restore_in_force(dataset_id, force, pause):
    """Move the dataset's archived corridor-periods that are in force again (re-published) back out."""
    archive = _archive(dataset_id)
    if archive is None:
        return 0
    rows_by_key = unpack(archive["packed"])
    back = [key for key in rows_by_key if f"{dataset_id}/{key}" in force]
    if not back:
        return 0
    pause()
    staged = StagedCorridorPeriod._get_collection()
    for number, key in enumerate(back):
        if number % 20 == 0:
            pause()
        period, source, destination = key.split(":")
        staged.replace_one({"_id": f"{dataset_id}/{key}"}, {
            "_id": f"{dataset_id}/{key}", "dataset_id": dataset_id, "period": period, "source": source,
            "destination": destination, "quote_fields": archive["quote_fields"], "packed": pack(rows_by_key[key])},
            upsert=True)
    remaining = {k: v for k, v in rows_by_key.items() if k not in back}
    if not remaining:
        StagedArchive._get_collection().delete_one({"_id": dataset_id, "version": archive["version"]})
    else:
        _write_archive(dataset_id, archive, remaining, archive["quote_fields"])
    return len(back)


def compress_settled(dataset_id, pause=lambda: None):
    """Firms and raw chunks of a settled dataset, compressed (read back by
    ``dataset_firms`` and ``uploads``), one chunk at a time, at zlib's fastest
    level (a 4 MB chunk in tens of milliseconds: reads wait no longer). Not in
    a thread pool: its threads' heaps would cost more memory than is saved."""
    datasets, chunks = Dataset._get_collection(), RawChunk._get_collection()
    doc = datasets.find_one({"_id": dataset_id, "firms": {"$ne": None}}, {"firms": 1})
    if doc is not None:
        datasets.update_one({"_id": dataset_id, "firms": {"$ne": None}},
                            {"$set": {"firms_packed": pack(doc["firms"])}, "$unset": {"firms": ""}})
    compressed = 0
    for chunk in chunks.find({"dataset_id": dataset_id, "encoding": None}, {"_id": 1}):
        pause()
        data = chunks.find_one({"_id": chunk["_id"]}, {"data": 1})["data"]
        packed = zlib.compress(data, 1)
        compressed += chunks.update_one({"_id": chunk["_id"], "encoding": None},
                                        {"$set": {"data": packed, "encoding": "zlib"}}).modified_count
    return compressed


def prune(now=None, pause=lambda: None):
    """Archive what is not in force, restore what is again, compress settled
    datasets' firms and files, delete what nothing reads. Safe to run at any
    time and more than once. Returns the counts of what it did."""
    force = in_force()
    counts = {"archived": 0, "restored": 0, "chunks_compressed": 0, "deleted": 0, "states_deleted": 0}
    settled = [d["_id"] for d in Dataset._get_collection().find({"status": {"$in": list(SETTLED)}}, {"kind": 1})
               if d["kind"] == "rpw-quotes"]
    staged_datasets = set(StagedCorridorPeriod._get_collection().distinct("dataset_id"))
    archived_datasets = set(StagedArchive._get_collection().distinct("_id"))
    for dataset_id in settled:
        pause()
        if dataset_id in archived_datasets:
            counts["restored"] += restore_in_force(dataset_id, force, pause)
        if dataset_id in staged_datasets:
            counts["archived"] += archive_out_of_force(dataset_id, force, pause)
    for doc in Dataset._get_collection().find({"status": {"$in": ["completed", "rejected", "failed"]},
                                               "$or": [{"firms": {"$ne": None}}, {"compressed": None}]}, {"_id": 1}):
        pause()
        counts["chunks_compressed"] += compress_settled(doc["_id"], pause)
        Dataset._get_collection().update_one({"_id": doc["_id"]}, {"$set": {"compressed": True}})
    failed = [d["_id"] for d in Dataset._get_collection().find({"status": {"$in": list(UNPUBLISHABLE)}}, {"_id": 1})]
    if failed:
        counts["deleted"] = StagedCorridorPeriod._get_collection().delete_many(
            {"dataset_id": {"$in": failed}}).deleted_count
    counts["states_deleted"] = delete_orphan_states(now)
    return counts


def delete_orphan_states(now=None):
    """Period states no publication points at (a flip that lost a race or
    crashed after inserting them), once older than the grace period."""
    time.sleep(0)
    publication = Publication._get_collection().find_one({"_id": "observed"}, {"periods": 1}) or {}
    referenced = list((publication.get("periods") or {}).values())
    cutoff = (now or utcnow()) - dt.timedelta(seconds=ORPHAN_GRACE_SECONDS)
    return PeriodState._get_collection().delete_many(
        {"_id": {"$nin": referenced}, "created_at": {"$lt": cutoff}}).deleted_count
