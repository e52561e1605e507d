"""Every query of the vintages (see ``vintages``): the releases, and the
versions of each published figure.

- ``releases``: one document per publication: ``_id``, ``published_at``,
  the dataset, what it changed, and for a publication of observed quotes the
  period states in force after it (``periods``, ``state_ids``), which are
  kept as long as a release names them;
- ``figure_versions``: one document per figure and release that changed it,
  ``_id`` ``<flow>|<series key>|<period>|<published_at>|<release>`` (so id
  order is series-key, period, time order), valid from ``valid_from`` until
  ``valid_to`` (None while in force); ``action`` R or D; ``skey`` the series
  key, so a query for a few keys reads only their versions (indexed).
  The two flows with many figures (FLOWS with the matrices' cells,
  RPW_PRICES with every quote's) keep theirs in a collection of their own
  (``flow_versions``, ``price_versions``): the same documents, so that the
  reads of the other flows never scan them.
Writes are idempotent: a release is inserted once, a version once (a retried
publication writes the same ids), and closing a version is a conditional set.
A release recorded before its figures are written (a series, country flows)
stays ``pending`` until they are: no reader takes it for the one in force
while the figures it names are half written (a cache keyed by it would keep
them so).
"""
import itertools
import time

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from observatory.pagination import keyset_page
from services.ingest.vintages import (
    CORRIDOR_FLOW,
    DIMENSIONS,
    FLOWS_FLOW,
    NATIONAL_FLOW,
    PRICES_FLOW,
    REPLACE,
    sdmx_quarter,
    timestamp_text,
)

INSERT_BATCH = 200
DUPLICATE_KEY = 11000
COLLECTIONS = {FLOWS_FLOW: "flow_versions", PRICES_FLOW: "price_versions"}  # the rest: figure_versions
MAX_KEYS = 200  # a key naming more series than this is filtered dimension by dimension


def in_force(at):
    """The versions in force at ``at``."""
    return {"valid_from": {"$lte": at}, "$or": [{"valid_to": None}, {"valid_to": {"$gt": at}}]}


COMPLETE = {"pending": {"$ne": True}}


def key_filter(flow, dimensions):
    """The store query of a series-key selection ({dimension id: [values]}, the others any): the series keys
    themselves when it names a few (one indexed lookup each), else each named dimension's values."""
    chosen = {d: sorted(map(str, v)) for d, v in (dimensions or {}).items() if v and d in DIMENSIONS[flow]}
    if not chosen:
        return {}
    count = 1
    for values in chosen.values():
        count *= len(values)
    if len(chosen) == len(DIMENSIONS[flow]) and count <= MAX_KEYS:
        return {"skey": {"$in": [".".join(k) for k in itertools.product(*(chosen[d] for d in DIMENSIONS[flow]))]}}
    return {f"obs.{d}": {"$in": values} for d, values in chosen.items()}


def version_id(key, release):
    flow, rest = key.split(":", 1)  # a provider or product may hold a colon: the period is last
    series_key, period = rest.rsplit(":", 1)
    return f"{flow}|{series_key}|{period}|{timestamp_text(release['published_at'])}|{release['_id']}"


class VintageStore:
    def __init__(self, db):
        self.releases = db["releases"]
        self.versions = db["figure_versions"]
        self._of_flow = {flow: db[name] for flow, name in COLLECTIONS.items()}

    def of(self, flow):
        """The collection that keeps ``flow``'s versions."""
        return self._of_flow.get(flow, self.versions)

    def ensure_indexes(self):
        self.releases.create_index([("published_at", ASCENDING)])
        for versions in (self.versions, *self._of_flow.values()):
            versions.create_index([("fkey", ASCENDING), ("valid_to", ASCENDING)])
            versions.create_index([("period", ASCENDING), ("valid_to", ASCENDING)])  # closing a release's
            versions.create_index([("flow", ASCENDING), ("valid_from", ASCENDING)])
            versions.create_index([("flow", ASCENDING), ("skey", ASCENDING), ("_id", ASCENDING)])
            versions.create_index([("obs.SOURCE_AREA", ASCENDING), ("obs.DEST_AREA", ASCENDING)])
            versions.create_index([("obs.REF_AREA", ASCENDING)])

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

    def set_changes(self, release_id, changes):
        """What a release changed, once its versions written in parts are counted."""
        self.releases.update_one({"_id": release_id}, {"$set": {"changes": changes}})

    def insert_versions(self, release, found, replaced):
        """Write the versions of ``found`` for ``release``; the figure keys whose versions they follow
        ({flow: keys}: ``close_versions`` closes them, once for many parts)."""
        by_flow, closing = {}, {}
        for key, action, observation, payload in found:
            flow = key.split(":", 1)[0]
            doc = {"_id": version_id(key, release), "fkey": key, "flow": flow,
                   "skey": key.split(":", 1)[1].rsplit(":", 1)[0], "period": key.rsplit(":", 1)[1],
                   "obs": {k: v for k, v in observation.items() if v is not None},  # a read drops None anyway
                   "action": action, "release": release["_id"], "valid_from": release["published_at"],
                   "valid_to": None}
            if payload is not None:  # kept small: a file's quotes are a hundred thousand versions
                doc["payload"] = payload
            by_flow.setdefault(flow, []).append(doc)
            if key in replaced:
                closing.setdefault(flow, set()).add(key)
        for flow, docs in by_flow.items():
            versions = self.of(flow)
            for start in range(0, len(docs), INSERT_BATCH):
                time.sleep(0)  # cooperative: a whole file's figures are thousands of documents
                try:
                    versions.insert_many(docs[start:start + INSERT_BATCH], ordered=False)
                except BulkWriteError as exc:  # a retried publication: its versions are there already
                    if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                        raise
        return closing

    def close_versions(self, release, closing):
        """Close the versions open before ``release`` of the figure keys ``closing`` ({flow: keys})."""
        for flow, keys in closing.items():
            if keys:
                self._close(self.of(flow), release, keys)

    @staticmethod
    def _close(versions, release, closing):
        at = release["published_at"]
        # The versions open before this release in the periods it touches, found in one scan and matched
        # here: a key list in the query costs its length per document scanned where there is no index
        # (mongomock); the cheap, selective conditions come first, so most documents stop at them.
        scope = {"valid_to": None, "period": {"$in": sorted({k.rsplit(":", 1)[1] for k in closing})},
                 "valid_from": {"$lt": at}}
        found = list(versions.find(scope, {"_id": 1, "fkey": 1}))
        open_ids = [d["_id"] for d in found if d["fkey"] in closing]
        kept_open = [d["_id"] for d in found if d["fkey"] not in closing]
        close = {"$set": {"valid_to": at, "to_release": release["_id"]}}
        if len(kept_open) < len(open_ids):  # most are followed (a revised file): name the others, once
            versions.update_many({**scope, "_id": {"$nin": kept_open}}, close)
            return
        for start in range(0, len(open_ids), INSERT_BATCH):
            time.sleep(0)
            versions.update_many({**scope, "_id": {"$in": open_ids[start:start + INSERT_BATCH]}}, close)

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
    def page(self, flow, at, updated_after=None, include_history=False, cursor=None, limit=100, dimensions=None):
        """A page of the versions of ``flow`` published at or before ``at``, in series-key, period, time
        order: each figure's version in force at ``at`` (a deleted one only when ``updated_after`` asks
        what changed), or with ``include_history`` every version; ``dimensions`` ({id: [values]}) selects
        series keys in the query itself (``key_filter``)."""
        query = {"flow": flow, **key_filter(flow, dimensions), "valid_from": {"$lte": at}}
        if updated_after is not None:
            query["valid_from"]["$gt"] = updated_after
        if not include_history:
            query["$or"] = in_force(at)["$or"]
            if updated_after is None:
                query["action"] = REPLACE
        return keyset_page(self.of(flow), query, cursor, limit)

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
        for d in self.of(FLOWS_FLOW).find({"flow": FLOWS_FLOW, "obs.REF_AREA": {"$in": list(iso3s)},
                                           "obs.SOURCE": {"$ne": "MATRIX"}, "action": REPLACE, **in_force(at)},
                                          {"payload": 1, "obs.OBS_VALUE": 1}):
            payload = d["payload"]
            meta = {k: v for k, v in payload.items() if k not in ("iso3", "series", "year")}
            series = found.setdefault(payload["iso3"], {}).setdefault(payload["series"], {**meta, "values": {}})
            series["values"][payload["year"]] = d["obs"]["OBS_VALUE"]
        return found


    def matrix_years_at(self, at):
        """The bilateral-matrix years a release published by ``at`` (each matrix release names its years)."""
        return sorted(self.releases.distinct("matrix_years", {"published_at": {"$lte": at}}))

    def senders_to_at(self, year, iso3, at):
        """[{source, usd_millions}] of the matrix of ``year`` into ``iso3`` as published at ``at``."""
        return [{"source": d["obs"]["COUNTERPART_AREA"], "usd_millions": d["obs"]["OBS_VALUE"]}
                for d in self.of(FLOWS_FLOW).find({"flow": FLOWS_FLOW, "obs.REF_AREA": iso3, "obs.SOURCE": "MATRIX",
                                                   "period": str(year), "action": REPLACE, **in_force(at)}, {"obs": 1})]

    def national_observations_at(self, country, at):
        """A country's national observations as published at ``at``, in the shape ``store_national`` keeps
        them (the reporter from the release that published each)."""
        docs = list(self.versions.find({"flow": NATIONAL_FLOW, "obs.REF_AREA": country, "action": REPLACE,
                                        **in_force(at)}).sort("_id", ASCENDING))
        reporters = {r["_id"]: r.get("reporter_id") for r in self.releases.find(
            {"_id": {"$in": sorted({d["release"] for d in docs})}}, {"reporter_id": 1})} if docs else {}
        dimensions = DIMENSIONS[NATIONAL_FLOW]
        return [{"_id": f"{d['skey']}@{d['obs']['TIME_PERIOD']}", "country": country, "key": d["skey"],
                 "dims": {k: d["obs"][k] for k in dimensions}, "time_period": d["obs"]["TIME_PERIOD"],
                 "value": d["obs"].get("OBS_VALUE"), "reporter_id": reporters.get(d["release"]),
                 "attrs": {k: v for k, v in d["obs"].items() if k not in (*dimensions, "TIME_PERIOD", "OBS_VALUE")},
                 "published_at": d["valid_from"]} for d in docs]

    def national_versions(self, country, at=None):
        """Every kept version of a country's national observations (published at or before ``at``, when
        given), in series-key, period, time order."""
        query = {"flow": NATIONAL_FLOW, "obs.REF_AREA": country,
                 **({"valid_from": {"$lte": at}} if at is not None else {})}
        return list(self.versions.find(query).sort("_id", ASCENDING))


def _entry(doc):
    return {k: v for k, v in doc["payload"].items() if k not in ("series", "key")}
