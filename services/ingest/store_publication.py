"""Staged quotes and what is published of them (see ``publication``).

A dataset's corridor-period is kept in one of two homes: a staged document
(its rows packed) while in force or under review, or its dataset's one
archive (every such row in one blob, the keys listed) once out of force.
Readers look in both, so a move (write the new home, then delete the old)
never makes a read miss. The ``Publication`` document points at the period
states in force; switching it is one conditional update on its version.
"""
import time

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from observatory.idempotency import REMEMBERED_EVENTS
from services.ingest.keys import corridor_key, staged_id
from services.ingest.models import PeriodState, Publication, StagedArchive, StagedCorridorPeriod
from services.ingest.packing import pack, unpack

OBSERVED = "observed"  # the one Publication document
INSERT_BATCH = 200  # bounded: the store copies what it is given
DELETE_BATCH = 50  # ids per $in: mongomock's costs (documents x listed ids)
LOG_ENTRIES = 100
EMPTY_PUBLICATION = {"version": 0, "periods": {}, "log": [], "applied_events": [], "outbox": []}


def _decoded(doc):
    """A staged document with its rows as ``quotes`` (packed, or as older versions stored them)."""
    rows = doc["quotes"] if doc.get("packed") is None else unpack(doc["packed"])
    return {**{k: v for k, v in doc.items() if k != "packed"}, "quotes": rows}


def _archived_doc(dataset_id, key, archive, rows):
    """A corridor-period kept only in its dataset's archive, shaped as a staged document."""
    period, source, destination = key.split(":")
    return {"_id": staged_id(dataset_id, key), "dataset_id": dataset_id, "period": period, "source": source,
            "destination": destination, "quote_fields": archive["quote_fields"], "quotes": rows[key]}


class PublicationStore:
    def __init__(self, db):
        self.staged = db[StagedCorridorPeriod._meta["collection"]]
        self.archives = db[StagedArchive._meta["collection"]]
        self.states = db[PeriodState._meta["collection"]]
        self.publication = db[Publication._meta["collection"]]

    def ensure_indexes(self):
        self.staged.create_index([("dataset_id", ASCENDING)])
        self.staged.create_index([("source", ASCENDING), ("destination", ASCENDING), ("period", ASCENDING)])
        self.archives.create_index([("keys", ASCENDING)])
        self.states.create_index([("period", ASCENDING)])

    # -- staging --------------------------------------------------------------------------
    def stage(self, dataset_id, docs):
        """Replace the dataset's staged corridor-periods with ``docs`` (a re-run after a crash starts clean)."""
        self.staged.delete_many({"dataset_id": dataset_id})
        batch = []
        for number, doc in enumerate(docs):
            if number % 50 == 0:
                time.sleep(0)  # cooperative: packing a whole file's rows takes a while
            fields = {k: v for k, v in doc.items() if k != "rows"}  # the rows are kept packed only
            batch.append({**fields, "_id": staged_id(dataset_id, corridor_key(doc["period"], doc["source"],
                                                                              doc["destination"])),
                          "dataset_id": dataset_id, "packed": pack(doc["rows"])})
            if len(batch) >= INSERT_BATCH:
                self.staged.insert_many(batch)
                batch = []
        if batch:
            self.staged.insert_many(batch)

    def staged_of(self, dataset_id):
        """The dataset's staged documents (not archived), rows decoded, one at a time."""
        for number, doc in enumerate(self.staged.find({"dataset_id": dataset_id})):
            if number % 50 == 0:
                time.sleep(0)  # cooperative
            yield _decoded(doc)

    def staged_doc(self, dataset_id, key):
        """The staged corridor-period ``key`` ("2014Q1:ARE:EGY") of a dataset, from either home, with
        ``quotes`` (and ``figures`` when an older version stored them); None if none."""
        doc = self.staged.find_one({"_id": staged_id(dataset_id, key)})
        if doc is not None:
            return _decoded(doc)
        archive = self.archives.find_one({"_id": dataset_id, "keys": key})
        return None if archive is None else _archived_doc(dataset_id, key, archive, unpack(archive["packed"]))

    def archived_rows(self, dataset_id):
        """{key: rows} of the dataset's archived corridor-periods."""
        archive = self.archive(dataset_id)
        return unpack(archive["packed"]) if archive else {}

    def datasets_staged_for(self, period, source, destination):
        staged = self.staged.find({"period": period, "source": source, "destination": destination},
                                  {"dataset_id": 1})
        return {d["dataset_id"] for d in staged} | {
            d["_id"] for d in self.archives.find({"keys": corridor_key(period, source, destination)}, {"_id": 1})}

    # -- moving between the two homes (``pruning``) -------------------------------------------
    def staged_ids(self, dataset_id):
        # one equality scan, filtered by the caller: mongomock's $in costs (documents x listed ids)
        return [d["_id"] for d in self.staged.find({"dataset_id": dataset_id}, {"_id": 1})]

    def staged_docs_except(self, dataset_id, kept_ids):
        return [_decoded(d) for d in self.staged.find({"dataset_id": dataset_id}, {"figures": 0})
                if d["_id"] not in kept_ids]

    def archive(self, dataset_id):
        return self.archives.find_one({"_id": dataset_id})

    def write_archive(self, dataset_id, archive, rows_by_key, quote_fields):
        """Replace the archive's contents, if nobody changed it since it was read (``archive``)."""
        fields = {"keys": sorted(rows_by_key), "packed": pack(rows_by_key), "quote_fields": quote_fields}
        if archive is None:
            try:
                self.archives.insert_one({"_id": dataset_id, "version": 1, **fields})
                return True
            except DuplicateKeyError:
                return False
        return self.archives.update_one({"_id": dataset_id, "version": archive["version"]},
                                        {"$set": {**fields, "version": archive["version"] + 1}}).modified_count == 1

    def drop_archive(self, dataset_id, version):
        self.archives.delete_one({"_id": dataset_id, "version": version})

    def restore_staged(self, dataset_id, key, quote_fields, rows):
        period, source, destination = key.split(":")
        self.staged.replace_one({"_id": staged_id(dataset_id, key)}, {
            "_id": staged_id(dataset_id, key), "dataset_id": dataset_id, "period": period, "source": source,
            "destination": destination, "quote_fields": quote_fields, "packed": pack(rows)}, upsert=True)

    def delete_staged(self, ids, pause):
        for start in range(0, len(ids), DELETE_BATCH):
            pause()
            self.staged.delete_many({"_id": {"$in": ids[start:start + DELETE_BATCH]}})

    def delete_staged_of(self, dataset_ids):
        return self.staged.delete_many({"dataset_id": {"$in": list(dataset_ids)}}).deleted_count if dataset_ids else 0

    def staged_dataset_ids(self):
        return set(self.staged.distinct("dataset_id"))

    def archived_dataset_ids(self):
        return set(self.archives.distinct("_id"))

    # -- what is published ----------------------------------------------------------------------
    def current(self):
        doc = self.publication.find_one({"_id": OBSERVED}, {"outbox": 0})
        return doc or {"_id": OBSERVED, **{k: v for k, v in EMPTY_PUBLICATION.items() if k != "outbox"}}

    def load_states(self, state_ids, corridor=None):
        """{period: state document} for ``state_ids``; with ``corridor`` ("SRC:DST")
        only that corridor's entry is read (and the figures are left out)."""
        if not state_ids:
            return {}
        projection = {"period": 1, f"corridors.{corridor}": 1} if corridor else None
        return {d["period"]: d for d in self.states.find({"_id": {"$in": list(state_ids)}}, projection)}

    def published_states(self, corridor=None):
        return self.load_states(self.current().get("periods", {}).values(), corridor)

    def insert_states(self, states):
        self.publication.update_one({"_id": OBSERVED}, {"$setOnInsert": EMPTY_PUBLICATION}, upsert=True)
        if states:
            self.states.insert_many(states)

    def switch(self, version, periods, log_entry, events, request_id, now):
        """Point the publication at the new states ({period: state id}) with their events, if it is still at
        ``version`` and ``request_id`` was not applied; True when it switched."""
        result = self.publication.update_one(
            {"_id": OBSERVED, "version": version, "applied_events": {"$ne": request_id}},
            {"$set": {"version": version + 1, "updated_at": now, **{f"periods.{p}": i for p, i in periods.items()}},
             "$push": {"log": {"$each": [log_entry], "$slice": -LOG_ENTRIES}, "outbox": {"$each": list(events)},
                       "applied_events": {"$each": [request_id], "$slice": -REMEMBERED_EVENTS}}})
        return result.modified_count == 1

    def delete_states(self, state_ids):
        if state_ids:
            self.states.delete_many({"_id": {"$in": list(state_ids)}})

    def delete_unreferenced_states(self, cutoff, kept=()):
        """Period states no publication points at (nor ``kept``: a release names them), created before
        ``cutoff``; how many."""
        referenced = list(set((self.current().get("periods") or {}).values()) | set(kept))
        return self.states.delete_many({"_id": {"$nin": referenced}, "created_at": {"$lt": cutoff}}).deleted_count

    def published_corridors(self, corridor=None):
        """{period: {"SRC:DST": entry}} of what is published, without the period figures
        (``corridor``: only that one); for the SDMX pages, which read every period at once."""
        state_ids = list(self.current().get("periods", {}).values())
        if not state_ids:
            return {}
        projection = {"period": 1, (f"corridors.{corridor}" if corridor else "corridors"): 1}
        return {d["period"]: d.get("corridors", {}) for d in self.states.find({"_id": {"$in": state_ids}}, projection)}

    def staged_docs(self, pairs):
        """{(dataset_id, "2014Q1:ARE:EGY"): staged document with ``quotes``} for many corridor-periods at
        once (one query; any kept only in an archive is read from it)."""
        wanted = {staged_id(dataset_id, key): (dataset_id, key) for dataset_id, key in pairs}
        found = {wanted[d["_id"]]: _decoded(d) for d in self.staged.find({"_id": {"$in": list(wanted)}})} \
            if wanted else {}
        archived = {}
        for dataset_id, key in set(wanted.values()) - set(found):  # each archive read and unpacked once
            archived.setdefault(dataset_id, []).append(key)
        for dataset_id, keys in archived.items():
            archive = self.archives.find_one({"_id": dataset_id})
            rows = unpack(archive["packed"]) if archive else {}
            for key in (k for k in keys if k in rows):
                found[(dataset_id, key)] = _archived_doc(dataset_id, key, archive, rows)
        return found
