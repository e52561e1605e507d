"""Every query of the vintages (see ``vintages``): the releases, and the
versions of each published figure.

- ``releases``: one document per publication: ``_id``, ``published_at``,
  the dataset, what it changed, and for a publication of observed quotes the
  period states in force after it (``periods``, ``state_ids``), which are
  kept as long as a release names them;
- ``figure_versions``: one document per figure and release that changed it,
  ``_id`` ``<flow>|<series key>|<period>|<published_at>|<release>`` (so id
  order is series-key, period, time order), valid from ``valid_from`` until
  ``valid_to`` (None while in force); ``action`` R or D.
Writes are idempotent: a release is inserted once, a version once (a retried
publication writes the same ids), and closing a version is a conditional set.
A release recorded before its figures are written (a series, country flows)
stays ``pending`` until they are: no reader takes it for the one in force
while the figures it names are half written (a cache keyed by it would keep
them so).
"""
import time

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from observatory.pagination import keyset_page
from services.ingest.vintages import CORRIDOR_FLOW, FLOWS_FLOW, REPLACE, sdmx_quarter, timestamp_text

INSERT_BATCH = 200
DUPLICATE_KEY = 11000


def in_force(at):
    """The versions in force at ``at``."""
    return {"valid_from": {"$lte": at}, "$or": [{"valid_to": None}, {"valid_to": {"$gt": at}}]}


COMPLETE = {"pending": {"$ne": True}}


def version_id(key, release):
    flow, series_key, period = key.split(":")
    return f"{flow}|{series_key}|{period}|{timestamp_text(release['published_at'])}|{release['_id']}"


class VintageStore:
    def __init__(self, db):
        self.releases = db["releases"]
        self.versions = db["figure_versions"]

    def ensure_indexes(self):
        self.releases.create_index([("published_at", ASCENDING)])
        self.versions.create_index([("fkey", ASCENDING), ("valid_to", ASCENDING)])
        self.versions.create_index([("flow", ASCENDING), ("valid_from", ASCENDING)])
        self.versions.create_index([("obs.SOURCE_AREA", ASCENDING), ("obs.DEST_AREA", ASCENDING)])
        self.versions.create_index([("obs.REF_AREA", ASCENDING)])

    # -- writing a release ----------------------------------------------------------------
    def record_release(self, release_id, published_at, fields, pending=False):
        """The release ``release_id``, inserted once; the stored one (its first ``published_at``).
        ``pending``: its figures are written after it, and ``complete_release`` says when they are."""
        try:
            self.releases.insert_one({"_id": release_id, "published_at": published_at, **fields,
                                      **({"pending": True} if pending else {})})
        except DuplicateKeyError:
            pass
        return self.releases.find_one({"_id": release_id})

    def complete_release(self, release_id):
        """The figures of ``release_id`` are written: readers take it for a release from now on."""
        self.releases.update_one({"_id": release_id, "pending": True}, {"$unset": {"pending": ""}})

    def record_versions(self, release, found, replaced):
        """Write the versions of ``found`` (``vintages.changes``) for ``release`` and close the versions they
        follow; ``replaced``: the figure keys that had a value before (the only ones with one to close)."""
        at = release["published_at"]
        docs = [{"_id": version_id(key, release), "fkey": key, "flow": key.split(":", 1)[0],
                 "period": key.rsplit(":", 1)[1], "obs": observation, "payload": payload, "action": action,
                 "release": release["_id"], "valid_from": at, "valid_to": None, "to_release": None}
                for key, action, observation, payload in found]
        for start in range(0, len(docs), INSERT_BATCH):
            time.sleep(0)  # cooperative: a whole file's figures are thousands of documents
            try:
                self.versions.insert_many(docs[start:start + INSERT_BATCH], ordered=False)
            except BulkWriteError as exc:  # a retried publication: its versions are there already
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise
        closing = [d["fkey"] for d in docs if d["fkey"] in replaced]
        for start in range(0, len(closing), INSERT_BATCH):  # one scan per batch: mongomock has no index
            time.sleep(0)
            open_ids = [d["_id"] for d in self.versions.find(
                {"fkey": {"$in": closing[start:start + INSERT_BATCH]}, "valid_to": None, "valid_from": {"$lt": at}},
                {"_id": 1})]
            if open_ids:
                self.versions.update_many({"_id": {"$in": open_ids}, "valid_to": None},
                                          {"$set": {"valid_to": at, "to_release": release["_id"]}})

    # -- releases ---------------------------------------------------------------------------
    def release_at(self, at=None, observed=False):
        """The latest release published at or before ``at`` (default: the latest), or None; ``observed``:
        the latest one of observed quotes (it names the period states in force)."""
        query = {**COMPLETE, **({"published_at": {"$lte": at}} if at is not None else {}),
                 **({"periods": {"$exists": True}} if observed else {})}
        found = list(self.releases.find(query).sort([("published_at", DESCENDING), ("_id", DESCENDING)]).limit(1))
        return found[0] if found else None

    def releases_in_order(self, offset, limit):
        """Releases oldest first (a few per quarter: an offset is cheap)."""
        return list(self.releases.find(COMPLETE, {"periods": 0, "state_ids": 0}).sort(
            [("published_at", ASCENDING), ("_id", ASCENDING)]).skip(offset).limit(limit))

    def releases_after(self, release_id):
        """The releases published after ``release_id``, oldest first (what they changed, not their
        period lists), or None when it is not a release."""
        since = self.releases.find_one({"_id": release_id}, {"published_at": 1})
        if since is None:
            return None
        # at the same instant too (a tie's order is not known): counting one twice only costs a re-read
        return list(self.releases.find({**COMPLETE, "published_at": {"$gte": since["published_at"]},
                                        "_id": {"$ne": release_id}},
                                       {"periods": 0, "state_ids": 0}).sort([("published_at", ASCENDING)]))

    def datasets_released(self, at):
        """The datasets a release published at or before ``at``."""
        return set(self.releases.distinct("dataset_id", {**COMPLETE, "published_at": {"$lte": at}})) - {None}

    def state_ids_kept(self):
        """The period states a release names (pruning keeps them)."""
        return set(self.releases.distinct("state_ids"))

    # -- figures ------------------------------------------------------------------------------
    def page(self, flow, at, updated_after=None, include_history=False, cursor=None, limit=100):
        """A page of the versions of ``flow`` published at or before ``at``, in series-key, period, time
        order: each figure's version in force at ``at`` (a deleted one only when ``updated_after`` asks
        what changed), or with ``include_history`` every version."""
        query = {"flow": flow, "valid_from": {"$lte": at}}
        if updated_after is not None:
            query["valid_from"]["$gt"] = updated_after
        if not include_history:
            query["$or"] = in_force(at)["$or"]
            if updated_after is None:
                query["action"] = REPLACE
        return keyset_page(self.versions, query, cursor, limit)

    def corridor_series_at(self, series, source, destination, at):
        """{period: entry} of one corridor of a series (official, derived) as published at ``at``."""
        docs = self.versions.find({"flow": CORRIDOR_FLOW, "obs.SOURCE_AREA": source, "obs.DEST_AREA": destination,
                                   "obs.SERIES": series.upper(), "obs.AMOUNT": "USD200", "action": REPLACE,
                                   **in_force(at)}, {"payload": 1, "period": 1})
        return {d["period"].replace("-", ""): _entry(d) for d in docs}

    def series_in_period_at(self, period, at):
        """{series: {"SRC:DST": entry}} of the official and derived series of ``period`` at ``at``."""
        found = {}
        if period is None:
            return found
        for d in self.versions.find({"flow": CORRIDOR_FLOW, "period": sdmx_quarter(period), "obs.AMOUNT": "USD200",
                                     "obs.SERIES": {"$in": ["OFFICIAL", "DERIVED"]}, "action": REPLACE,
                                     **in_force(at)}, {"payload": 1}):
            found.setdefault(d["payload"]["series"], {})[d["payload"]["key"]] = _entry(d)
        return found

    def series_by_period_at(self, at, periods=None):
        """{period: {series: {"SRC:DST": entry}}} of the official and derived series as published at ``at``
        (``periods``: only those), in one query."""
        query = {"flow": CORRIDOR_FLOW, "obs.AMOUNT": "USD200", "obs.SERIES": {"$in": ["OFFICIAL", "DERIVED"]},
                 "action": REPLACE, **in_force(at)}
        if periods:
            query["period"] = {"$in": [sdmx_quarter(p) for p in periods]}
        found = {}
        for d in self.versions.find(query, {"payload": 1, "period": 1}):
            by_series = found.setdefault(d["period"].replace("-", ""), {})
            by_series.setdefault(d["payload"]["series"], {})[d["payload"]["key"]] = _entry(d)
        return found

    def series_periods_at(self, at):
        docs = self.versions.find({"flow": CORRIDOR_FLOW, "obs.SERIES": {"$in": ["OFFICIAL", "DERIVED"]},
                                   "action": REPLACE, **in_force(at)}, {"period": 1})
        return {d["period"].replace("-", "") for d in docs}

    def country_series_at(self, iso3s, at):
        """{iso3: {series name: series}} of these economies as published at ``at``."""
        found = {}
        for d in self.versions.find({"flow": FLOWS_FLOW, "obs.REF_AREA": {"$in": list(iso3s)}, "action": REPLACE,
                                     **in_force(at)}, {"payload": 1, "obs.OBS_VALUE": 1}):
            payload = d["payload"]
            meta = {k: v for k, v in payload.items() if k not in ("iso3", "series", "year")}
            series = found.setdefault(payload["iso3"], {}).setdefault(payload["series"], {**meta, "values": {}})
            series["values"][payload["year"]] = d["obs"]["OBS_VALUE"]
        return found


def _entry(doc):
    return {k: v for k, v in doc["payload"].items() if k not in ("series", "key")}
