"""Run one dataset's import: parse (in a child process) → validate row by
row → stage → publish, or hold for review → events.

Status goes ``queued → processing → completed | needs_review | failed`` with
rows seen / accepted / rejected saved as it goes. Nothing published changes
until the whole file has been read and the dataset is published in one step
(see ``publication``); whatever goes wrong ends in ``failed`` with a reason.
Running it again for the same dataset (a redelivered job) does nothing once
the dataset is settled, and repeats the same work if it was interrupted.

One worker at a time: an import is claimed with one conditional update and
kept with heartbeats. A job redelivered while its first run is still alive
(its broker node died, not its worker) waits for that run's outcome; a claim
whose heartbeat is older than the lease (the worker died) is taken over.
"""
import datetime as dt
import logging
import tempfile
import time


from observatory import leases
from observatory.clock import utcnow
from observatory.events import new_event
from observatory.outbox import with_outbox
from services.ingest import publication
from services.ingest.exceptions import UnreadableFile
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.limits import ParseLimits
from services.ingest.loaders import LOADERS
from services.ingest.models import MAX_STORED_ERRORS, Dataset
from services.ingest.parsing import run_parser
from services.ingest.store import SOURCE

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 2000
SETTLED = ("completed", "needs_review", "rejected", "failed")
LEASE_SECONDS = 60.0  # config IMPORT_LEASE_SECONDS: a claim not renewed this long belongs to a dead worker


class Tally:
    """Rows seen, accepted and rejected, and the first errors."""

    def __init__(self):
        self.total = self.accepted = self.rejected = self.errors_total = 0
        self.errors = []

    def count(self, parsed):
        self.total += 1
        if parsed.errors:
            self.rejected += 1
            self.errors_total += len(parsed.errors)
            self.errors.extend(parsed.errors[:max(0, MAX_STORED_ERRORS - len(self.errors))])
            return False
        self.accepted += 1
        return True

    def fields(self):
        return {"rows_total": self.total, "rows_accepted": self.accepted, "rows_rejected": self.rejected,
                "errors": self.errors, "errors_total": self.errors_total}


def _save(dataset_id, fields):
    Dataset._get_collection().update_one({"_id": dataset_id}, {"$set": fields})


def _progress(dataset_id, token, fields):
    """Save progress (a heartbeat) while the claim is still ours."""
    Dataset._get_collection().update_one({"_id": dataset_id, "status": "processing", "claimed_by": token},
                                         {"$set": {**fields, "heartbeat_at": utcnow()}})


def claim(dataset_id, token, lease_seconds=LEASE_SECONDS, now=None):
    """Take the import (queued, or processing under a lapsed lease); the dataset, or None if another holds it."""
    now = now or utcnow()
    lapsed = now - dt.timedelta(seconds=lease_seconds)
    available = {"_id": dataset_id, "$or": [{"status": "queued"},
                                            {"status": "processing", "heartbeat_at": {"$lt": lapsed}},
                                            {"status": "processing", "heartbeat_at": None}]}
    return leases.claim_one(Dataset._get_collection(), available, token,
                            {"status": "processing", "started_at": now, "heartbeat_at": now,
                             "summary": {"phase": "parsing"}}, projection={"outbox": 0, "errors": 0})


def dataset_published_event(dataset, tally_fields, summary):
    return new_event("dataset.published", SOURCE, {
        "dataset_id": dataset["_id"], "kind": dataset["kind"], "filename": dataset.get("filename"),
        "sha256": dataset["sha256"], "rows_total": tally_fields["rows_total"],
        "rows_accepted": tally_fields["rows_accepted"], "rows_rejected": tally_fields["rows_rejected"], **summary})


def run_import(dataset_id, copy_raw, limits=None, parse=run_parser, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS,
               worker="ingest", lease_seconds=LEASE_SECONDS, pause=time.sleep, rules=None):
    """Import dataset ``dataset_id``; ``copy_raw(file)`` writes its bytes into
    ``file``. Returns the dataset's final status (None when it is unknown)."""
    collection = Dataset._get_collection()
    token = leases.new_token(worker)
    request_id = f"import:{dataset_id}"
    while True:
        dataset = collection.find_one({"_id": dataset_id}, {"outbox": 0, "errors": 0})
        if dataset is None:
            log.warning("import job for unknown dataset %s (lost with a restarted in-process store?): "
                        "acknowledged", dataset_id)
            return None
        if dataset["status"] in SETTLED:
            return dataset["status"]
        if request_id in publication.current().get("applied_events", []):  # published, then interrupted
            _save(dataset_id, {"status": "completed", "finished_at": utcnow()})
            return "completed"
        if claim(dataset_id, token, lease_seconds):
            break
        pause(1.0)  # another worker is importing it (this job was redelivered): its outcome is ours
    tally = Tally()
    try:
        loader = LOADERS[dataset["kind"]](dataset_id, year=dataset.get("year"), weight_lag_years=weight_lag_years,
                                          rules=rules)
        with tempfile.NamedTemporaryFile(prefix="observatory-import-") as raw:
            copy_raw(raw)
            raw.flush()
            for parsed in parse(dataset["kind"], raw.name, limits or ParseLimits(), dataset.get("year"),
                                dataset.get("filename")):
                if tally.count(parsed):
                    loader.add(parsed.record, parsed.row)
                if tally.total % PROGRESS_EVERY_ROWS == 0:
                    _progress(dataset_id, token, {**tally.fields(), "summary.phase": "parsing"})
        if tally.total == 0:
            raise UnreadableFile("the file holds no data rows")
        _progress(dataset_id, token, {**tally.fields(), "summary.phase": "storing"})
        return _finish(dataset, loader, tally, request_id, weight_lag_years)
    except UnreadableFile as exc:
        return fail(dataset_id, exc.message, exc.details, tally)
    except Exception as exc:  # a fault of ours: still a status a person can act on, and a log entry
        log.exception("dataset %s: import failed", dataset_id)
        return fail(dataset_id, f"the import failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]}); "
                                "it has been logged: upload the file again or report it", {}, tally)


def _finish(dataset, loader, tally, request_id, weight_lag_years):
    dataset_id = dataset["_id"]
    outcome = loader.finish()
    fields = {**tally.fields(), "periods": outcome.summary.get("periods", []), "finished_at": utcnow(),
              "heartbeat_at": utcnow()}
    if outcome.review is not None and outcome.review["needs_review"]:
        _save(dataset_id, {**fields, "status": "needs_review", "review": outcome.review,
                           "firms": outcome.firms, "summary": {"phase": "needs_review", **outcome.summary}})
        log.warning("dataset %s held for review: %d published quote(s) it would remove, %d suspect value(s)",
                    dataset_id, outcome.review.get("quotes_lost", 0), outcome.review.get("suspects_total", 0))
        return "needs_review"
    event = dataset_published_event(dataset, fields, outcome.summary)
    if outcome.staged:  # published in one step, with its events
        result = publication.publish(dataset_id, request_id, "imported", [event, *outcome.events],
                                     weight_lag_years=weight_lag_years)
        summary = {**outcome.summary, "corridors_changed": result["corridors_changed"]}
        _save(dataset_id, {**fields, "status": "completed", "published_at": utcnow(), "review": outcome.review,
                           "firms": outcome.firms, "summary": {"phase": "completed", **summary}})
    else:
        done = {"$set": {**fields, "status": "completed", "published_at": utcnow(),
                         "summary": {"phase": "completed", **outcome.summary}}}
        Dataset._get_collection().update_one({"_id": dataset_id}, with_outbox(done, event, *outcome.events))
    return "completed"


def fail(dataset_id, reason, details=None, tally=None):
    """Mark an unsettled dataset failed with a reason a person can act on."""
    log.warning("dataset %s failed: %s", dataset_id, reason)
    Dataset._get_collection().update_one({"_id": dataset_id, "status": {"$in": ["queued", "processing"]}}, {"$set": {
        **(tally.fields() if tally else {}), "status": "failed", "failure": reason, "failure_details": details or {},
        "finished_at": utcnow(), "summary.phase": "failed"}})
    return "failed"


def fail_stalled(max_quiet_seconds, now=None):
    """Mark failed every import that has made no progress for that long (its
    process died, or its job was lost). Returns their ids."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=max_quiet_seconds)
    collection = Dataset._get_collection()
    stalled = [d["_id"] for d in collection.find({"status": "processing", "heartbeat_at": {"$lt": cutoff}}, {"_id": 1})]
    for dataset_id in stalled:
        collection.update_one({"_id": dataset_id, "status": "processing"}, {"$set": {
            "status": "failed", "finished_at": utcnow(), "summary.phase": "failed",
            "failure": f"the import made no progress for {max_quiet_seconds:g} s (its process stopped?); "
                       "upload the file again to retry"}})
    return stalled
