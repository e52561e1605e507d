"""The datasets ingest was given: their documents (status, tallies, review,
outbox) and the records of the ones held for review."""
import time

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from observatory.pagination import keyset_page
from observatory import leases
from observatory.events import with_outbox
from services.ingest.models import Dataset, HeldRecords
from services.ingest.packing import pack, unpack

HELD_BATCH = 200  # records per document: a matrix row holds ~200 flows, well under MongoDB's 16 MB
LEAN = {"outbox": 0, "errors": 0}  # what a dataset's handlers never read
LISTED = {"outbox": 0, "applied_events": 0, "errors": 0, "firms": 0, "firms_packed": 0}
UNSETTLED = ("queued", "processing")


class DatasetStore:
    def __init__(self, db):
        self.datasets = db[Dataset._meta["collection"]]
        self.held = db[HeldRecords._meta["collection"]]

    def ensure_indexes(self):
        self.datasets.create_index([("sha256", ASCENDING)], unique=True)
        self.datasets.create_index([("created_at", DESCENDING)])
        self.datasets.create_index([("status", ASCENDING), ("heartbeat_at", ASCENDING)])
        self.datasets.create_index([("kind", ASCENDING), ("status", ASCENDING)])
        self.held.create_index([("dataset_id", ASCENDING)])

    # -- one dataset ------------------------------------------------------------------
    def dataset(self, dataset_id, projection=LEAN):
        return self.datasets.find_one({"_id": dataset_id}, projection)

    def with_checksum(self, sha256):
        return self.datasets.find_one({"sha256": sha256}, {"status": 1, "kind": 1})

    def create(self, doc):
        """Insert a new dataset; False when one with its checksum exists (same bytes, concurrently)."""
        try:
            self.datasets.insert_one(doc)
            return True
        except DuplicateKeyError:
            return False

    def save(self, dataset_id, fields, events=(), status=None):
        """Set ``fields`` (with ``events`` queued in the same write), only while in ``status`` when given."""
        query = {"_id": dataset_id, **({"status": status} if status else {})}
        update = {"$set": fields}
        self.datasets.update_one(query, with_outbox(update, *events) if events else update)

    def claim_import(self, dataset_id, token, lapsed, now):
        """Take the import (queued, or processing under a lease that lapsed before ``lapsed``); None if held."""
        available = {"_id": dataset_id, "$or": [{"status": "queued"},
                                                {"status": "processing", "heartbeat_at": {"$lt": lapsed}},
                                                {"status": "processing", "heartbeat_at": None}]}
        return leases.claim_one(self.datasets, available, token,
                                {"status": "processing", "started_at": now, "heartbeat_at": now,
                                 "summary": {"phase": "parsing"}}, projection=LEAN)

    def save_progress(self, dataset_id, token, fields, now):
        """Progress (a heartbeat), saved only while the claim ``token`` still holds the import."""
        self.datasets.update_one(leases.held_by({"_id": dataset_id, "status": "processing"}, token),
                                 {"$set": {**fields, "heartbeat_at": now}})

    def fail_unsettled(self, dataset_id, fields):
        self.datasets.update_one({"_id": dataset_id, "status": {"$in": list(UNSETTLED)}}, {"$set": fields})

    def fail_stalled(self, cutoff, fields):
        """Fail every import whose last heartbeat is older than ``cutoff``; their ids."""
        stalled = [d["_id"] for d in self.datasets.find({"status": "processing", "heartbeat_at": {"$lt": cutoff}},
                                                         {"_id": 1})]
        for dataset_id in stalled:
            self.datasets.update_one({"_id": dataset_id, "status": "processing"}, {"$set": fields})
        return stalled

    # -- lists --------------------------------------------------------------------------
    def page_newest_first(self, kind, status, cursor, limit):
        """A page of datasets newest first (created_at, then id), and how many match in all."""
        query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        return keyset_page(self.datasets, query, cursor, limit, newest_first=True, projection=LISTED), \
            self.datasets.count_documents(query)

    def published_quote_datasets(self):
        """The published datasets of quotes, oldest first (id, published_at)."""
        return list(self.datasets.find({"kind": "rpw-quotes", "status": "completed"},
                                       {"published_at": 1}).sort("published_at", ASCENDING))

    def published_quote_dataset_firms(self, dataset_id):
        return self.datasets.find_one({"_id": dataset_id, "kind": "rpw-quotes", "status": "completed"},
                                      {"firms": 1, "firms_packed": 1})

    @staticmethod
    def firms_of(doc):
        """A dataset's firms (``firms.observed``), packed or not."""
        return unpack(doc["firms_packed"]) if doc.get("firms_packed") is not None else (doc.get("firms") or [])

    # -- what pruning asks ----------------------------------------------------------------
    def ids_with_status(self, statuses, kind=None):
        docs = self.datasets.find({"status": {"$in": list(statuses)}}, {"kind": 1})
        return [d["_id"] for d in docs if kind is None or d["kind"] == kind]

    def not_yet_compressed(self, statuses):
        return [d["_id"] for d in self.datasets.find(
            {"status": {"$in": list(statuses)}, "$or": [{"firms": {"$ne": None}}, {"compressed": None}]}, {"_id": 1})]

    def pack_firms(self, dataset_id):
        """The settled dataset's firms, kept packed (``firms_of`` reads either)."""
        doc = self.datasets.find_one({"_id": dataset_id, "firms": {"$ne": None}}, {"firms": 1})
        if doc is not None:
            self.datasets.update_one({"_id": dataset_id, "firms": {"$ne": None}},
                                     {"$set": {"firms_packed": pack(doc["firms"])}, "$unset": {"firms": ""}})

    def mark_compressed(self, dataset_id):
        self.datasets.update_one({"_id": dataset_id}, {"$set": {"compressed": True}})

    # -- records held for review ------------------------------------------------------------
    def hold_records(self, dataset_id, rows, records):
        self.held.delete_many({"dataset_id": dataset_id})  # a re-run after a crash starts clean
        for batch, start in enumerate(range(0, len(records), HELD_BATCH)):
            time.sleep(0)  # cooperative
            self.held.insert_one({"_id": f"{dataset_id}/{batch}", "dataset_id": dataset_id, "batch": batch,
                                  "rows": rows[start:start + HELD_BATCH], "records": records[start:start + HELD_BATCH]})

    def held_records(self, dataset_id):
        """(row, record) of the held dataset, in file order."""
        for doc in sorted(self.held.find({"dataset_id": dataset_id}), key=lambda d: d["batch"]):
            yield from zip(doc["rows"], doc["records"])

    def release_held_records(self, dataset_id):
        self.held.delete_many({"dataset_id": dataset_id})
