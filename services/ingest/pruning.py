"""Keeping staged quotes small without losing what can still be read.

What reads staged corridor-periods (``StagedCorridorPeriod``):
- the corridor read, for the corridor-periods in force (the ``Publication``
  points at their period states, which name each corridor's dataset);
- publishing a dataset again (``review.publish_dataset``): it reads the
  dataset's staged figures, after which its quotes are the ones in force;
- the review of a new file, for the quotes it would remove;
- the corridor read's ``other_datasets``: the datasets staged for it.

So the staged quotes of every dataset that can be published (completed,
rejected, held for review) stay readable; what nothing reads fast any more
(a corridor-period not in force, of a published or rejected dataset) is kept
*packed*: its rows as one compressed JSON blob, a tenth of their size,
unpacked exactly (JSON keeps floats, strings, booleans and nulls as they
were) when read or put in force again. What nothing can read at all is
deleted: the staged quotes of a failed dataset (it cannot be published) and
period states the publication no longer points at.
"""
import datetime as dt
import json
import time
import zlib

from services.ingest.models import Dataset, PeriodState, Publication, StagedCorridorPeriod
from services.ingest.store import corridor_key, utcnow

PACKED_STATUSES = ("completed", "rejected")  # settled: nothing is staging or reviewing them now
UNPUBLISHABLE_STATUSES = ("failed",)
ORPHAN_GRACE_SECONDS = 600  # a flip inserts its states before it switches to them: leave young ones alone


def pack(rows):
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def quote_rows(doc):
    """The rows of a staged corridor-period, packed or not."""
    return doc["quotes"] if doc.get("packed") is None else unpack(doc["packed"])


def in_force():
    """The ids of the staged corridor-periods the publication points at now."""
    publication = Publication._get_collection().find_one({"_id": "observed"}, {"periods": 1}) or {}
    states = PeriodState._get_collection().find({"_id": {"$in": list((publication.get("periods") or {}).values())}},
                                                {"period": 1, "corridors": 1})
    ids = set()
    for state in states:
        for key, entry in state.get("corridors", {}).items():
            source, destination = key.split(":")
            ids.add(f"{entry['dataset_id']}/{corridor_key(state['period'], source, destination)}")
    return ids


def _dataset_ids(statuses):
    return [d["_id"] for d in Dataset._get_collection().find({"kind": "rpw-quotes", "status": {"$in": list(statuses)}},
                                                            {"_id": 1})]


def prune(now=None, pause=lambda: None):
    """Pack what is not in force, unpack what is, delete what nothing reads.
    Each step is a single-document update conditional on the state it
    changes, so it is safe to run at any time and more than once. Returns the
    counts of what it did."""
    staged = StagedCorridorPeriod._get_collection()
    force = in_force()
    counts = {"packed": 0, "unpacked": 0, "deleted": 0, "states_deleted": 0}
    settled = _dataset_ids(PACKED_STATUSES)
    # ids first, then one document at a time: the store copies what a query returns
    to_pack = [d["_id"] for d in staged.find({"dataset_id": {"$in": settled}, "packed": None}, {"_id": 1})
               if d["_id"] not in force]
    for staged_id in to_pack:
        pause()
        doc = staged.find_one({"_id": staged_id, "packed": None}, {"quotes": 1})
        if doc is not None:
            counts["packed"] += staged.update_one({"_id": staged_id, "packed": None}, {
                "$set": {"packed": pack(doc["quotes"])}, "$unset": {"quotes": ""}}).modified_count
    to_unpack = [d["_id"] for d in staged.find({"packed": {"$ne": None}}, {"_id": 1}) if d["_id"] in force]
    for staged_id in to_unpack:
        pause()
        doc = staged.find_one({"_id": staged_id}, {"packed": 1})
        if doc is not None and doc.get("packed") is not None:
            counts["unpacked"] += staged.update_one({"_id": staged_id, "packed": {"$ne": None}}, {
                "$set": {"quotes": unpack(doc["packed"])}, "$unset": {"packed": ""}}).modified_count
    failed = _dataset_ids(UNPUBLISHABLE_STATUSES)
    if failed:
        counts["deleted"] = staged.delete_many({"dataset_id": {"$in": failed}}).deleted_count
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
