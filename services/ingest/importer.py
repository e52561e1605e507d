"""Run one dataset's import: parse → validate row by row → commit → events.

Status goes ``queued → processing → completed | failed`` with rows seen /
accepted / rejected saved as it goes. Nothing is written to the published
data until the whole file has been read; a file that cannot be read fails
with the reason and leaves the store as it was. Running it again for the
same dataset (a redelivered request) does nothing once the dataset is done,
and repeats the same writes if it was interrupted.
"""
import logging
import time

from observatory.events import new_event
from observatory.outbox import with_outbox
from services.ingest.exceptions import UnreadableFile
from services.ingest.loaders import BilateralMatrixLoader, CorridorAveragesLoader, CountryFlowsLoader, QuotesLoader
from services.ingest.models import MAX_STORED_ERRORS, Dataset
from services.ingest.parsers.bilateral_matrix import parse_bilateral_matrix
from services.ingest.parsers.corridor_averages import parse_corridor_averages
from services.ingest.parsers.country_flows import parse_country_flows
from services.ingest.parsers.rpw_quotes import parse_rpw_quotes
from services.ingest.store import SOURCE, utcnow

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 2000
YIELD_EVERY_ROWS = 100


def let_others_run():
    """Parsing is CPU-bound and eventlet is cooperative: without this the
    service's RPC workers (status polls, health pings) starve during an import.
    time.sleep is eventlet's under nameko's monkey patching; a no-op otherwise."""
    time.sleep(0)

KINDS = {
    "rpw-quotes": (parse_rpw_quotes, QuotesLoader),
    "rpw-corridor-averages": (parse_corridor_averages, CorridorAveragesLoader),
    "bilateral-matrix": (parse_bilateral_matrix, BilateralMatrixLoader),
    "country-flows": (parse_country_flows, CountryFlowsLoader),
}


def _save_progress(dataset_id, total, accepted, rejected, errors, errors_total, phase):
    Dataset._get_collection().update_one({"_id": dataset_id}, {"$set": {
        "rows_total": total, "rows_accepted": accepted, "rows_rejected": rejected,
        "errors": errors, "errors_total": errors_total, "summary.phase": phase}})


def run_import(dataset_id, open_raw):
    """Import dataset ``dataset_id``; ``open_raw()`` returns a binary file
    object with its bytes. Returns the dataset's final status."""
    collection = Dataset._get_collection()
    dataset = collection.find_one({"_id": dataset_id})
    if dataset is None or dataset["status"] in ("completed", "failed"):
        return dataset and dataset["status"]
    collection.update_one({"_id": dataset_id}, {"$set": {"status": "processing", "started_at": utcnow(),
                                                         "summary": {"phase": "parsing"}}})
    parse, loader_cls = KINDS[dataset["kind"]]
    loader = loader_cls(dataset_id, year=dataset.get("year"))
    total = accepted = rejected = errors_total = 0
    errors = []
    try:
        with open_raw() as raw:
            for parsed in parse(raw, year=dataset.get("year"), filename=dataset.get("filename")):
                total += 1
                if parsed.errors:
                    rejected += 1
                    errors_total += len(parsed.errors)
                    errors.extend(parsed.errors[:max(0, MAX_STORED_ERRORS - len(errors))])
                else:
                    accepted += 1
                    loader.add(parsed.record)
                if total % YIELD_EVERY_ROWS == 0:
                    let_others_run()
                if total % PROGRESS_EVERY_ROWS == 0:
                    _save_progress(dataset_id, total, accepted, rejected, errors, errors_total, "parsing")
        if total == 0:
            raise UnreadableFile("the file holds no data rows")
        _save_progress(dataset_id, total, accepted, rejected, errors, errors_total, "storing")
        summary, events = loader.commit()
    except UnreadableFile as exc:
        log.warning("dataset %s failed: %s", dataset_id, exc)
        collection.update_one({"_id": dataset_id}, {"$set": {
            "status": "failed", "failure": str(exc), "finished_at": utcnow(), "rows_total": total,
            "rows_accepted": accepted, "rows_rejected": rejected, "errors": errors,
            "errors_total": errors_total, "summary": {"phase": "failed"}}})
        return "failed"
    published = new_event("dataset.published", SOURCE, {
        "dataset_id": dataset_id, "kind": dataset["kind"], "filename": dataset.get("filename"),
        "sha256": dataset["sha256"], "rows_total": total, "rows_accepted": accepted, "rows_rejected": rejected,
        **summary})
    collection.update_one({"_id": dataset_id}, with_outbox({"$set": {
        "status": "completed", "finished_at": utcnow(), "rows_total": total, "rows_accepted": accepted,
        "rows_rejected": rejected, "errors": errors, "errors_total": errors_total,
        "periods": summary.get("periods", []), "summary": {"phase": "completed", **summary}}},
        published, *events))
    return "completed"
