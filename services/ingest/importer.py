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
from services.ingest import messages, publication
from services.ingest.exceptions import UnreadableFile
from services.ingest.indicators import DEFAULT_WEIGHT_LAG_YEARS
from services.ingest.limits import ParseLimits
from services.ingest.loaders import LOADERS
from services.ingest.parsing import run_parser

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 2000
SETTLED = ("completed", "needs_review", "rejected", "failed")
LEASE_SECONDS = 60.0  # config IMPORT_LEASE_SECONDS: a claim not renewed this long belongs to a dead worker
MAX_STORED_ERRORS = 1000  # row errors kept on a dataset; errors_total counts them all


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


def claim(store, dataset_id, token, lease_seconds=LEASE_SECONDS, now=None):
    """Take the import (queued, or processing under a lapsed lease); the dataset, or None if another holds it."""
    now = now or utcnow()
    return store.datasets.claim_import(dataset_id, token, now - dt.timedelta(seconds=lease_seconds), now)


def run_import(store, dataset_id, copy_raw, limits=None, parse=run_parser, weight_lag_years=DEFAULT_WEIGHT_LAG_YEARS,
               worker="ingest", lease_seconds=LEASE_SECONDS, pause=time.sleep, rules=None):
    """Import dataset ``dataset_id``; ``copy_raw(file)`` writes its bytes into
    ``file``. Returns the dataset's final status (None when it is unknown)."""
    token = leases.new_token(worker)
    request_id = f"import:{dataset_id}"
    while True:
        dataset = store.datasets.dataset(dataset_id)
        if dataset is None:
            log.warning("import job for unknown dataset %s (lost with a restarted in-process store?): "
                        "acknowledged", dataset_id)
            return None
        if dataset["status"] in SETTLED:
            return dataset["status"]
        if request_id in store.publication.current().get("applied_events", []):  # published, then interrupted
            store.datasets.save(dataset_id, {"status": "completed", "finished_at": utcnow()})
            return "completed"
        if claim(store, dataset_id, token, lease_seconds):
            break
        pause(1.0)  # another worker is importing it (this job was redelivered): its outcome is ours
    tally = Tally()
    try:
        loader = LOADERS[dataset["kind"]](store, dataset_id, year=dataset.get("year"), weight_lag_years=weight_lag_years,
                                          rules=rules)
        with tempfile.NamedTemporaryFile(prefix="observatory-import-") as raw:
            copy_raw(raw)
            raw.flush()
            for parsed in parse(dataset["kind"], raw.name, limits or ParseLimits(), dataset.get("year"),
                                dataset.get("filename")):
                if tally.count(parsed):
                    loader.add(parsed.record, parsed.row)
                if tally.total % PROGRESS_EVERY_ROWS == 0:
                    store.datasets.save_progress(dataset_id, token, {**tally.fields(), "summary.phase": "parsing"},
                                                 utcnow())
        if tally.total == 0:
            raise UnreadableFile("the file holds no data rows")
        store.datasets.save_progress(dataset_id, token, {**tally.fields(), "summary.phase": "storing"}, utcnow())
        return _finish(store, dataset, loader, tally, request_id, weight_lag_years)
    except UnreadableFile as exc:
        return fail(store, dataset_id, exc.message, exc.details, tally)
    except Exception as exc:  # a fault of ours: still a status a person can act on, and a log entry
        log.exception("dataset %s: import failed", dataset_id)
        return fail(store, dataset_id, f"the import failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]}); "
                                "it has been logged: upload the file again or report it", {}, tally)


def _finish(store, dataset, loader, tally, request_id, weight_lag_years):
    dataset_id = dataset["_id"]
    outcome = loader.finish()
    fields = {**tally.fields(), "periods": outcome.summary.get("periods", []), "finished_at": utcnow(),
              "heartbeat_at": utcnow()}
    if outcome.review is not None and outcome.review["needs_review"]:
        store.datasets.save(dataset_id, {**fields, "status": "needs_review", "review": outcome.review,
                           "firms": outcome.firms, "summary": {"phase": "needs_review", **outcome.summary}})
        log.warning("dataset %s held for review: %d published quote(s) it would remove, %d suspect value(s)",
                    dataset_id, outcome.review.get("quotes_lost", 0), outcome.review.get("suspects_total", 0))
        return "needs_review"
    event = messages.dataset_published(dataset, fields, outcome.summary)
    if outcome.staged:  # published in one step, with its events
        result = publication.publish(store, dataset_id, request_id, "imported", [event, *outcome.events],
                                     weight_lag_years=weight_lag_years)
        summary = {**outcome.summary, "corridors_changed": result["corridors_changed"]}
        store.datasets.save(dataset_id, {**fields, "status": "completed", "published_at": utcnow(),
                                         "review": outcome.review, "firms": outcome.firms,
                                         "summary": {"phase": "completed", **summary}})
    else:
        store.datasets.save(dataset_id, {**fields, "status": "completed", "published_at": utcnow(),
                                         "summary": {"phase": "completed", **outcome.summary}},
                            events=[event, *outcome.events])
    return "completed"


def fail(store, dataset_id, reason, details=None, tally=None):
    """Mark an unsettled dataset failed with a reason a person can act on."""
    log.warning("dataset %s failed: %s", dataset_id, reason)
    store.datasets.fail_unsettled(dataset_id, {
        **(tally.fields() if tally else {}), "status": "failed", "failure": reason, "failure_details": details or {},
        "finished_at": utcnow(), "summary.phase": "failed"})
    return "failed"


def fail_stalled(store, max_quiet_seconds, now=None):
    """Mark failed every import that has made no progress for that long (its
    process died, or its job was lost). Returns their ids."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=max_quiet_seconds)
    return store.datasets.fail_stalled(cutoff, {
        "status": "failed", "finished_at": utcnow(), "summary.phase": "failed",
        "failure": f"the import made no progress for {max_quiet_seconds:g} s (its process stopped?); "
                   "upload the file again to retry"})
